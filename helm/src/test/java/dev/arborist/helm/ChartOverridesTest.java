package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `helm template` with values an operator sets, including the ones the chart must refuse. */
class ChartOverridesTest {
    private static final String SERVING = Chart.FULLNAME + "-serving";
    private static final String AGENT = Chart.FULLNAME + "-agent";
    private static final String EXTERNAL_KAFKA = "kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092";

    @TempDir
    Path dir;

    @Test
    @DisplayName("production values (-f): replicas, external Kafka, resources, SLO and deployment id reach the pods")
    void production() throws Exception {
        Chart.Rendered r = Chart.render(productionValues(), Map.of());

        assertThat(r.get("Deployment", SERVING).path("spec").path("replicas").asInt()).isEqualTo(4);
        JsonNode resources = r.container(SERVING).path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("6");
        assertThat(resources.path("requests").path("memory").asText()).isEqualTo("12Gi");
        assertThat(resources.path("limits").path("memory").asText()).isEqualTo("16Gi");
        assertThat(r.get("ConfigMap", Chart.FULLNAME + "-settings").path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(EXTERNAL_KAFKA);
        assertThat(r.expandedArgs(SERVING)).containsSubsequence("--kafka", EXTERNAL_KAFKA).containsSubsequence("--deployment", "chat-eu");
        assertThat(r.expandedArgs(AGENT)).containsSubsequence("--kafka", EXTERNAL_KAFKA).containsSubsequence("--deployment", "chat-eu");
        JsonNode slo = Chart.YAML.readTree(ChartDefaultsTest.sloYaml(r));
        assertThat(slo.path("deployment").asText()).isEqualTo("chat-eu");
        assertThat(slo.path("ttft_p95_seconds").asDouble()).isEqualTo(0.25);
        assertThat(slo.path("quality_budget").asDouble()).isEqualTo(0.05);
    }

    @Test
    @DisplayName("with the Prometheus Operator: a ServiceMonitor for both endpoints that fills `deployment`, a PrometheusRule equal to alerts.yml")
    void operatorObjects() throws Exception {
        Chart.Rendered r = Chart.render(productionValues(), Map.of());

        JsonNode monitor = r.get("ServiceMonitor", Chart.FULLNAME);
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(monitor.path("spec").path("endpoints").findValuesAsText("port")).containsExactly("http", "metrics");
        for (JsonNode e : monitor.path("spec").path("endpoints")) {
            assertThat(e.path("path").asText()).isEqualTo("/metrics");
            JsonNode relabel = e.path("metricRelabelings").get(0);
            assertThat(relabel.path("targetLabel").asText()).isEqualTo("deployment");
            assertThat(relabel.path("replacement").asText()).isEqualTo("chat-eu");
            assertThat(relabel.path("regex").asText()).as("only fills series without the label").isEmpty();
        }
        JsonNode rule = r.get("PrometheusRule", Chart.FULLNAME);
        assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        JsonNode alerts = Chart.YAML.readTree(Chart.DASHBOARDS.resolve("alerts.yml").toFile());
        assertThat(rule.path("spec").path("groups")).isEqualTo(alerts.path("groups"));
    }

    private Path productionValues() throws Exception {
        return Files.writeString(dir.resolve("production.yaml"), """
                deployment: chat-eu
                kafka:
                  bootstrapServers: %s
                slo:
                  ttft_p95_seconds: 0.25
                  quality_budget: 0.05
                serving:
                  replicas: 4
                  resources:
                    requests: {cpu: "6", memory: 12Gi}
                    limits: {memory: 16Gi}
                monitoring:
                  enabled: true
                  labels:
                    release: kube-prometheus-stack
                """.formatted(EXTERNAL_KAFKA));
    }

    @Test
    @DisplayName("--set works too: decimals arrive as strings and still render as numbers in slo.yaml")
    void setFlags() throws Exception {
        Chart.Rendered r = Chart.render(Chart.values("serving.replicas", 3, "kafka.bootstrapServers", EXTERNAL_KAFKA,
                "slo.itl_p95_seconds", "0.08", "slo.quality_budget", "0.2", "slo.cooldown_seconds", 300));
        assertThat(r.get("Deployment", SERVING).path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(r.get("ConfigMap", Chart.FULLNAME + "-settings").path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(EXTERNAL_KAFKA);
        JsonNode slo = Chart.YAML.readTree(r.get("ConfigMap", Chart.FULLNAME + "-slo").path("data").path("slo.yaml").asText());
        assertThat(slo.path("itl_p95_seconds").isNumber()).isTrue();
        assertThat(slo.path("itl_p95_seconds").asDouble()).isEqualTo(0.08);
        assertThat(slo.path("quality_budget").asDouble()).isEqualTo(0.2);
        assertThat(slo.path("cooldown_seconds").asInt()).isEqualTo(300);
    }

    @Test
    @DisplayName("an SLO on e2e latency alone, with the agent's tuning keys set, reads back through the agent's SloSpec")
    void tunedSlo() throws Exception {
        Path values = Files.writeString(dir.resolve("e2e-only.yaml"), """
                slo:
                  ttft_p95_seconds: null
                  itl_p95_seconds: null
                  e2e_p95_seconds: 2
                  headroom_fraction: 0.6
                  guard_fraction: 0.9
                  headroom_windows: 5
                  violation_windows: 2
                  min_requests: 20
                """);
        Chart.Rendered r = Chart.render(values, Map.of());
        Path file = Files.writeString(dir.resolve("slo.yaml"), ChartDefaultsTest.sloYaml(r));
        SloSpec spec = SloSpec.read(file);
        assertThat(spec.ttftP95Seconds()).isNull();
        assertThat(spec.itlP95Seconds()).isNull();
        assertThat(spec.e2eP95Seconds()).isEqualTo(2.0);
        assertThat(spec.headroomFraction()).isEqualTo(0.6);
        assertThat(spec.guardFraction()).isEqualTo(0.9);
        assertThat(spec.headroomWindows()).isEqualTo(5);
        assertThat(spec.violationWindows()).isEqualTo(2);
        assertThat(spec.minRequests()).isEqualTo(20);
    }

    @Test
    @DisplayName("monitoring.enabled=false renders neither ServiceMonitor nor PrometheusRule; rules can be left out alone")
    void monitoringSwitches() {
        Chart.Rendered off = Chart.render(Chart.values("monitoring.enabled", false));
        assertThat(off.ofKind("ServiceMonitor")).isEmpty();
        assertThat(off.ofKind("PrometheusRule")).isEmpty();
        Chart.Rendered noRules = Chart.render(Chart.values("monitoring.enabled", true, "monitoring.rules.enabled", false));
        assertThat(noRules.ofKind("ServiceMonitor")).hasSize(1);
        assertThat(noRules.ofKind("PrometheusRule")).isEmpty();
    }

    @Test
    @DisplayName("without the agent: no agent Deployment, Service, SLO or store, serving mounts no store, one scrape endpoint, no absent-agent alert")
    void withoutAgent() {
        Chart.Rendered r = Chart.render(Chart.values("agent.enabled", false, "monitoring.enabled", true));
        List<String> alerts = r.get("PrometheusRule", Chart.FULLNAME).path("spec").path("groups").findValuesAsText("alert");
        assertThat(alerts).contains("ArboristLatencySLOBreached", "ArboristSwapRejected").doesNotContain("ArboristAgentAbsent");
        assertThat(r.has("Deployment", AGENT)).isFalse();
        assertThat(r.has("Service", AGENT)).isFalse();
        assertThat(r.has("ConfigMap", Chart.FULLNAME + "-slo")).isFalse();
        assertThat(r.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(r.get("Deployment", SERVING).path("spec").path("template").path("spec").path("volumes").findValuesAsText("name"))
                .doesNotContain("store");
        assertThat(r.get("ServiceMonitor", Chart.FULLNAME).path("spec").path("endpoints").findValuesAsText("port")).containsExactly("http");
    }

    @Test
    @DisplayName("a model on a claim is mounted read-only at /models in serving and agent, and --model points into it")
    void modelOnClaim() {
        Chart.Rendered r = Chart.render(Chart.values("model.source", "pvc", "model.pvc.existingClaim", "llm-models", "model.pvc.path", "mixtral-8x7b"));
        for (String d : List.of(SERVING, AGENT)) {
            assertThat(r.expandedArgs(d)).as(d).containsSubsequence("--model", "/models/mixtral-8x7b");
            JsonNode claim = r.get("Deployment", d).path("spec").path("template").path("spec").path("volumes").findValue("persistentVolumeClaim");
            List<String> claims = r.get("Deployment", d).path("spec").path("template").path("spec").path("volumes").findValuesAsText("claimName");
            assertThat(claims).as(d).contains("llm-models");
            assertThat(claim).isNotNull();
            JsonNode mount = r.container(d).path("volumeMounts").findParents("mountPath").stream()
                    .filter(m -> m.path("mountPath").asText().equals("/models")).findFirst().orElseThrow();
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
        }
    }

    @Test
    @DisplayName("an existing store claim is used as is; an existing admin Secret replaces the chart's; a given token is stored")
    void existingObjects() {
        Chart.Rendered r = Chart.render(Chart.values("store.existingClaim", "plans", "admin.existingSecret", "arborist-admin"));
        assertThat(r.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(r.ofKind("Secret")).isEmpty();
        assertThat(r.get("Deployment", AGENT).path("spec").path("template").path("spec").path("volumes").findValuesAsText("claimName")).contains("plans");
        assertThat(r.get("Deployment", SERVING).path("spec").path("template").path("spec").path("volumes").findValuesAsText("secretName"))
                .containsExactly("arborist-admin");

        Chart.Rendered given = Chart.render(Chart.values("admin.token", "correct-horse-battery-staple"));
        assertThat(ChartDefaultsTest.token(given)).isEqualTo("correct-horse-battery-staple");
        assertThat(Base64.getDecoder().decode(given.get("Secret", Chart.FULLNAME + "-admin").path("data").path("admin-token").asText())).isNotEmpty();
    }

    @Test
    @DisplayName("a PDB with minAvailable, or none at all")
    void disruptionBudget() {
        JsonNode pdb = Chart.render(Chart.values("serving.podDisruptionBudget.minAvailable", 2)).get("PodDisruptionBudget", SERVING).path("spec");
        assertThat(pdb.path("minAvailable").asInt()).isEqualTo(2);
        assertThat(pdb.has("maxUnavailable")).isFalse();
        assertThat(Chart.render(Chart.values("serving.podDisruptionBudget.enabled", false)).ofKind("PodDisruptionBudget")).isEmpty();
    }

    @Test
    @DisplayName("refused: no Kafka, a malformed bootstrap list, a claim-less pvc model, a short admin token, an unknown SLO key")
    void refused() throws Exception {
        assertThatThrownBy(() -> Chart.render(Chart.values("kafka.bootstrapServers", ""))).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> Chart.render(Chart.values("kafka.bootstrapServers", "kafka"))).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> Chart.render(Chart.values("model.source", "pvc"))).hasMessageContaining("model.pvc.existingClaim is required");
        assertThatThrownBy(() -> Chart.render(Chart.values("admin.token", "short"))).hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> Chart.render(Chart.values("slo.ttft_p99_seconds", 1))).hasMessageContaining("ttft_p99_seconds");
        assertThatThrownBy(() -> Chart.render(Chart.values("slo.quality_budget", 0))).hasMessageContaining("quality_budget");
        assertThatThrownBy(() -> Chart.render(Chart.values("slo.quality_budget", "1.5"))).hasMessageContaining("quality_budget");
        assertThatThrownBy(() -> Chart.render(Chart.values("slo.ttft_p95_seconds", "fast"))).hasMessageContaining("ttft_p95_seconds");
        Path noTarget = Files.writeString(dir.resolve("no-target.yaml"), "slo: {ttft_p95_seconds: null, itl_p95_seconds: null, e2e_p95_seconds: null}\n");
        assertThatThrownBy(() -> Chart.render(noTarget, Map.of())).hasMessageContaining("/slo");
    }
}
