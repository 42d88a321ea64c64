package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** `helm template` with the chart's own values: what gets created and how the pieces refer to each other. */
class ChartDefaultsTest {
    private static final String SERVING = Chart.FULLNAME + "-serving";
    private static final String AGENT = Chart.FULLNAME + "-agent";
    private static Chart.Rendered chart;

    @BeforeAll
    static void render() {
        chart = Chart.render();
    }

    @Test
    @DisplayName("default values render serving, agent, config, secret, store, PDB; no ServiceMonitor or PrometheusRule without the Operator API")
    void kinds() {
        assertThat(chart.kinds()).containsExactly("ConfigMap", "ConfigMap", "ConfigMap", "Deployment", "Deployment", "PersistentVolumeClaim",
                "PodDisruptionBudget", "Secret", "Service", "Service", "ServiceAccount");
        assertThat(chart.has("Deployment", SERVING)).isTrue();
        assertThat(chart.has("Deployment", AGENT)).isTrue();
        assertThat(chart.ofKind("ServiceMonitor")).isEmpty();
        assertThat(chart.ofKind("PrometheusRule")).isEmpty();
    }

    @Test
    @DisplayName("every object is a Kubernetes object: apiVersion, kind, a DNS-safe name, the release's labels")
    void objects() {
        for (JsonNode o : chart.objects()) {
            String what = o.path("kind").asText() + " " + o.path("metadata").path("name").asText();
            assertThat(o.path("apiVersion").asText()).as(what).isNotBlank();
            assertThat(o.path("kind").asText()).as(what).isNotBlank();
            assertThat(o.path("metadata").path("name").asText()).as(what).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
            assertThat(o.path("metadata").path("labels").path("app.kubernetes.io/instance").asText()).as(what).isEqualTo(Chart.RELEASE);
            assertThat(o.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).as(what).isEqualTo("arborist");
        }
    }

    @Test
    @DisplayName("selectors match: each Deployment its pods, each Service and the PDB exactly one Deployment")
    void selectors() {
        for (JsonNode d : chart.ofKind("Deployment")) {
            assertThat(contains(d.path("spec").path("template").path("metadata").path("labels"), d.path("spec").path("selector").path("matchLabels")))
                    .as(d.path("metadata").path("name").asText()).isTrue();
        }
        assertThat(matching(chart.get("Service", Chart.FULLNAME).path("spec").path("selector"))).containsExactly(SERVING);
        assertThat(matching(chart.get("Service", AGENT).path("spec").path("selector"))).containsExactly(AGENT);
        assertThat(matching(chart.get("PodDisruptionBudget", SERVING).path("spec").path("selector").path("matchLabels"))).containsExactly(SERVING);
        assertThat(chart.get("PodDisruptionBudget", SERVING).path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    @DisplayName("every ConfigMap, Secret and claim a pod mounts or reads is part of the release")
    void references() {
        for (JsonNode d : chart.ofKind("Deployment")) {
            JsonNode pod = d.path("spec").path("template").path("spec");
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("configMap")) {
                    assertThat(chart.has("ConfigMap", v.path("configMap").path("name").asText())).as(v.toString()).isTrue();
                }
                if (v.has("secret")) {
                    assertThat(chart.has("Secret", v.path("secret").path("secretName").asText())).as(v.toString()).isTrue();
                }
                if (v.has("persistentVolumeClaim")) {
                    assertThat(chart.has("PersistentVolumeClaim", v.path("persistentVolumeClaim").path("claimName").asText())).as(v.toString()).isTrue();
                }
            }
            JsonNode c = pod.path("containers").get(0);
            Set<String> volumes = new HashSet<>();
            pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
            c.path("volumeMounts").forEach(m -> assertThat(volumes).as("mount " + m).contains(m.path("name").asText()));
            c.path("envFrom").forEach(e -> assertThat(chart.has("ConfigMap", e.path("configMapRef").path("name").asText())).isTrue());
            assertThat(pod.path("serviceAccountName").asText()).isEqualTo(Chart.FULLNAME);
        }
    }

    @Test
    @DisplayName("serving: probes on /health/live and /health/ready, port http 8000 behind the Service, resources set")
    void servingContainer() {
        JsonNode c = chart.container(SERVING);
        assertThat(c.path("image").asText()).isEqualTo("arborist:0.1.0");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(c.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http");
        }
        assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8000);
        JsonNode service = chart.get("Service", Chart.FULLNAME).path("spec").path("ports").get(0);
        assertThat(service.path("port").asInt()).isEqualTo(8000);
        assertThat(service.path("targetPort").asText()).isEqualTo("http");
        assertThat(c.path("resources").path("requests").path("cpu").asText()).isEqualTo("2");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("4Gi");
        assertThat(chart.get("Deployment", SERVING).path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    @DisplayName("serving runs `arborist serve` on all interfaces with Kafka, deployment id and the admin token file from the chart")
    void servingArgs() {
        assertThat(chart.expandedArgs(SERVING)).containsExactly("serve", "--model", "/opt/arborist/models/arborist-moe-6x8",
                "--host", "0.0.0.0", "--port", "8000", "--max-batch", "8", "--queue", "64", "--kafka", "kafka:9092",
                "--deployment", Chart.FULLNAME, "--admin-token-file", "/secrets/admin-token");
        JsonNode mounts = chart.container(SERVING).path("volumeMounts");
        assertThat(mounts.findValuesAsText("mountPath")).contains("/secrets", "/tmp", "/store");
        JsonNode tokenVolume = volume(SERVING, "admin-token");
        assertThat(tokenVolume.path("secret").path("items").get(0).path("path").asText()).isEqualTo("admin-token");
    }

    @Test
    @DisplayName("the agent runs `arborist agent` with Kafka, model, store, deployment id and the SLO file mounted at /config/slo.yaml")
    void agent() {
        assertThat(chart.expandedArgs(AGENT)).containsExactly("agent", "--kafka", "kafka:9092", "--model", "/opt/arborist/models/arborist-moe-6x8",
                "--store", "/store", "--deployment", Chart.FULLNAME, "--config", "/config/slo.yaml", "--window", "60s", "--metrics-port", "9464");
        JsonNode d = chart.get("Deployment", AGENT);
        JsonNode live = chart.container(AGENT).path("livenessProbe").path("httpGet");
        assertThat(live.path("path").asText()).isEqualTo("/health/live");
        assertThat(live.path("port").asText()).isEqualTo("metrics");
        assertThat(chart.container(AGENT).path("ports").get(0).path("containerPort").asInt()).isEqualTo(9464);
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(d.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
        assertThat(volume(AGENT, "config").path("configMap").path("name").asText()).isEqualTo(Chart.FULLNAME + "-slo");
        assertThat(chart.container(AGENT).path("volumeMounts").findValuesAsText("mountPath")).contains("/config", "/store", "/tmp");
        assertThat(chart.get("PersistentVolumeClaim", Chart.FULLNAME + "-store").path("spec").path("accessModes").get(0).asText()).isEqualTo("ReadWriteMany");
    }

    @Test
    @DisplayName("slo.yaml holds the agent's snake_case keys with the default SLO; unset tuning keys are left out")
    void slo() throws Exception {
        JsonNode slo = Chart.YAML.readTree(sloYaml(chart));
        List<String> keys = new ArrayList<>();
        slo.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("deployment", "ttft_p95_seconds", "itl_p95_seconds", "e2e_p95_seconds", "quality_budget", "cooldown_seconds", "max_step");
        assertThat(slo.path("deployment").asText()).isEqualTo(Chart.FULLNAME);
        assertThat(slo.path("ttft_p95_seconds").asDouble()).isEqualTo(0.5);
        assertThat(slo.path("quality_budget").asDouble()).isEqualTo(0.10);
        assertThat(slo.path("max_step").asInt()).isEqualTo(1);
    }

    @Test
    @DisplayName("the agent's own SLO reader accepts slo.yaml and reads the chart's values")
    void sloReadByTheAgent() throws Exception {
        Path file = Files.writeString(Files.createTempDirectory("slo").resolve("slo.yaml"), sloYaml(chart));
        SloSpec spec = SloSpec.read(file);
        assertThat(spec.deployment()).isEqualTo(Chart.FULLNAME);
        assertThat(spec.ttftP95Seconds()).isEqualTo(0.5);
        assertThat(spec.itlP95Seconds()).isEqualTo(0.05);
        assertThat(spec.e2eP95Seconds()).isEqualTo(5.0);
        assertThat(spec.maxPerplexityRatio()).isEqualTo(1.10, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(spec.cooldown()).isEqualTo(Duration.ofSeconds(120));
        assertThat(spec.maxStep()).isEqualTo(1);
        assertThat(spec.headroomWindows()).isEqualTo(SloSpec.DEFAULT_HEADROOM_WINDOWS);
    }

    static String sloYaml(Chart.Rendered r) {
        return r.get("ConfigMap", Chart.FULLNAME + "-slo").path("data").path("slo.yaml").asText();
    }

    @Test
    @DisplayName("pods run as non-root with a read-only root filesystem, no service account token, /tmp writable")
    void security() {
        for (JsonNode d : chart.ofKind("Deployment")) {
            JsonNode pod = d.path("spec").path("template").path("spec");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            JsonNode c = pod.path("containers").get(0);
            assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(pod.path("volumes").findValues("emptyDir")).hasSize(1);
        }
    }

    @Test
    @DisplayName("the dashboards ConfigMap carries grafana_dashboard=\"1\" and both dashboards, equal to dashboards/*.json")
    void dashboards() throws Exception {
        JsonNode cm = chart.get("ConfigMap", Chart.FULLNAME + "-dashboards");
        assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        ObjectMapper json = new ObjectMapper();
        List<String> keys = new ArrayList<>();
        cm.path("data").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("serving.json", "agent.json");
        for (String file : keys) {
            JsonNode rendered = json.readTree(cm.path("data").path(file).asText());
            assertThat(rendered).as(file).isEqualTo(json.readTree(Files.readString(Chart.DASHBOARDS.resolve(file))));
        }
    }

    @Test
    @DisplayName("a generated admin token is 40 characters, looked up first so that an upgrade keeps it")
    void generatedToken() {
        FakeKubeApi api = FakeKubeApi.start();
        api.clear();
        String token = token(Chart.render());
        assertThat(token).hasSize(40).matches("[A-Za-z0-9]+");
        assertThat(api.requests()).contains("/api/v1/namespaces/ml/secrets/" + Chart.FULLNAME + "-admin");

        api.putSecret("ml", Chart.FULLNAME + "-admin", "admin-token", Base64.getEncoder().encodeToString("kept-from-install-0123456789".getBytes()));
        try {
            assertThat(token(Chart.render())).isEqualTo("kept-from-install-0123456789");
        } finally {
            api.clear();
        }
    }

    static String token(Chart.Rendered r) {
        return new String(Base64.getDecoder().decode(r.get("Secret", Chart.FULLNAME + "-admin").path("data").path("admin-token").asText()));
    }

    private static JsonNode volume(String deployment, String name) {
        for (JsonNode v : chart.get("Deployment", deployment).path("spec").path("template").path("spec").path("volumes")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name + " in " + deployment);
    }

    /** Names of the Deployments whose pod labels {@code selector} matches. */
    private static List<String> matching(JsonNode selector) {
        return chart.ofKind("Deployment").stream()
                .filter(d -> contains(d.path("spec").path("template").path("metadata").path("labels"), selector))
                .map(d -> d.path("metadata").path("name").asText())
                .toList();
    }

    private static boolean contains(JsonNode labels, JsonNode selector) {
        assertThat(selector.isEmpty()).as("empty selector").isFalse();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
