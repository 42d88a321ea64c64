{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "arborist.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, or the release name alone when it already contains the chart name. */}}
{{- define "arborist.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "arborist.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "arborist.labels" -}}
helm.sh/chart: {{ include "arborist.chart" . }}
{{ include "arborist.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: arborist
{{- end }}

{{- define "arborist.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arborist.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The deployment id of events and metrics. */}}
{{- define "arborist.deploymentId" -}}
{{- default (include "arborist.fullname" .) .Values.deployment }}
{{- end }}

{{- define "arborist.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "arborist.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "arborist.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Kafka bootstrap servers; installing without them fails with a message that says what to set. */}}
{{- define "arborist.kafkaBootstrap" -}}
{{- required "kafka.bootstrapServers is required: HOST:PORT[,HOST:PORT...] of your Kafka cluster" .Values.kafka.bootstrapServers }}
{{- end }}

{{/* The model directory as serving and the agent see it. */}}
{{- define "arborist.modelDir" -}}
{{- if eq .Values.model.source "pvc" }}
{{- printf "/models/%s" (trimPrefix "/" .Values.model.pvc.path) }}
{{- else }}
{{- .Values.model.imagePath }}
{{- end }}
{{- end }}

{{/* The claim holding the model (model.source: pvc). */}}
{{- define "arborist.modelClaim" -}}
{{- required "model.pvc.existingClaim is required when model.source is pvc" .Values.model.pvc.existingClaim }}
{{- end }}

{{- define "arborist.storeClaimName" -}}
{{- default (printf "%s-store" (include "arborist.fullname" .)) .Values.store.existingClaim }}
{{- end }}

{{- define "arborist.adminSecretName" -}}
{{- default (printf "%s-admin" (include "arborist.fullname" .)) .Values.admin.existingSecret }}
{{- end }}

{{/* "true" when the ServiceMonitor and PrometheusRule are rendered (see monitoring.enabled). */}}
{{- define "arborist.monitoring" -}}
{{- $mode := toString .Values.monitoring.enabled }}
{{- if or (eq $mode "true") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) }}true{{ end }}
{{- end }}

{{/* Fills the deployment label on scraped series that lack it (serving's, the agent's per-topic ones). */}}
{{- define "arborist.metricRelabelings" -}}
- sourceLabels: [deployment]
  regex: ""
  targetLabel: deployment
  replacement: {{ include "arborist.deploymentId" . | quote }}
  action: replace
{{- end }}
