package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7, "tested for real": the dashboards and alert rules against live data. Kafka, serving, the agent and
 * open-loop traffic run in this JVM ({@link LiveStack}); Debian's prometheus binary scrapes both /metrics
 * endpoints every second with alerts.yml loaded; every panel, variable, annotation and rule is then evaluated
 * through Prometheus' HTTP API. Skipped where prometheus is not on PATH.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LivePrometheusTest {
    /**
     * Grafana's built-in variables. The rate window is wider than Grafana would pick for a 1 s scrape (4 s): at
     * this test's low load every window then holds completed requests, and the swap-duration panel (a rate of
     * the swap timer) still sees the first swap when a test runs a while after it.
     */
    private static final Map<String, String> BUILT_INS = Map.of("__rate_interval", "1m", "__interval", "5s", "__range", "5m");
    private static final Optional<Path> PROMETHEUS = Executables.onPath("prometheus");
    private static final double REQUESTS_PER_SECOND = 2;
    private static final Duration FIRST_PLAN = Duration.ofSeconds(90);
    /** How long a query may take to show data after the first swap: a few control windows, scrapes and rule evaluations. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static LiveStack stack;
    private static PrometheusServer prometheus;

    /** What the dashboard variables are set to. */
    enum Selection {
        /** "All": each variable's allValue. */
        ALL,
        /** The first value each variable offers, as Grafana picks on a fresh load. */
        FIRST_VALUE
    }

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void startStackAndPrometheus() throws Exception {
        if (PROMETHEUS.isEmpty()) {
            return; // every test skips itself (requirePrometheus), so the reason shows in the test report
        }
        stack = new LiveStack(dir.resolve("stack"));
        stack.start();
        prometheus = PrometheusServer.start(PROMETHEUS.get(), writeConfig(dir.resolve("prometheus.yml")), dir.resolve("prometheus"));
        stack.startTraffic(REQUESTS_PER_SECOND);
        assertThat(stack.sendClientError()).as("a body that is not JSON").isEqualTo(400);
        Poll.await("Prometheus to scrape serving and the agent", SETTLE, () -> targetsUp() == 2);
        Poll.await("serving to run the agent's first plan", FIRST_PLAN,
                () -> stack.requireAgentRunning() && prometheus.query("sum(arborist_swaps_total{result=\"ok\"}) >= 1").hasNumbers());
    }

    @BeforeEach
    void requirePrometheus() {
        assumeTrue(PROMETHEUS.isPresent(), "prometheus is not on PATH (Debian: apt-get install prometheus): the live dashboard test is skipped");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (stack != null) {
                stack.close(); // the temporary directory goes after this, with Prometheus' TSDB and the agent's store
            }
        }
    }

    @Test
    @DisplayName("Prometheus scrapes serving and the agent, and every arborist series carries the deployment label")
    void scrapesBothWithDeployment() {
        assertThat(list(prometheus.activeTargets())).extracting(t -> t.path("labels").path("job").asText() + " " + t.path("health").asText())
                .containsExactlyInAnyOrder("arborist-serving up", "arborist-agent up");
        String withoutDeployment = "{__name__=~\"arborist_.+\", deployment!=\"" + LiveStack.DEPLOYMENT + "\"}";
        PrometheusServer.Answer unlabelled = prometheus.query("count by (__name__) (" + withoutDeployment + ")");
        assertThat(unlabelled.ok()).as(unlabelled.toString()).isTrue();
        assertThat(unlabelled.hasSeries()).as("series without the deployment label: " + unlabelled).isFalse();
    }

    @Test
    @DisplayName("each dashboard variable offers what runs: $deployment the one deployment, every other variable some value")
    void variablesOfferValues() {
        for (String file : Dashboards.FILES) {
            Map<String, List<String>> offered = offeredValues(file);
            assertThat(offered.get("deployment")).as(file + " $deployment").containsExactly(LiveStack.DEPLOYMENT);
            offered.forEach((name, values) -> assertThat(values).as(file + " $" + name).isNotEmpty());
        }
    }

    @ParameterizedTest(name = "with the variables set to {0}")
    @EnumSource(Selection.class)
    @DisplayName("every panel query of both dashboards returns data")
    void panelsHaveData(Selection selection) throws Exception {
        List<String> noData = Poll.until(SETTLE, () -> panelsWithoutData(selection), List::isEmpty);
        assertThat(noData).as("panels without data (traffic responses by HTTP status: %s)", stack.responsesByStatus()).isEmpty();
    }

    @Test
    @DisplayName("every annotation query evaluates and every series it reads is scraped (it marks events, so it may match none)")
    void annotationsEvaluate() {
        List<String> problems = new ArrayList<>();
        for (String file : Dashboards.FILES) {
            Map<String, String> variables = variableValues(file, Selection.ALL);
            for (Dashboards.Query q : Dashboards.queries(file)) {
                if (q.kind() == Dashboards.Kind.ANNOTATION) {
                    problems.addAll(evaluationProblems(q.where(), GrafanaVariables.substitute(q.expr(), variables)));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("every rule group of alerts.yml is loaded and every rule evaluates without error")
    void ruleGroupsEvaluateCleanly() throws Exception {
        JsonNode groups = Poll.until(SETTLE, prometheus::ruleGroups, LivePrometheusTest::everyRuleEvaluated);
        assertThat(list(groups)).extracting(LivePrometheusTest::groupSize)
                .containsExactlyInAnyOrderElementsOf(AlertRules.groups().stream().map(LivePrometheusTest::groupSize).toList());
        List<String> unhealthy = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                if (!"ok".equals(rule.path("health").asText())) {
                    unhealthy.add(group.path("name").asText() + " " + rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                            + rule.path("lastError").asText());
                }
            }
        }
        assertThat(unhealthy).isEmpty();
    }

    @Test
    @DisplayName("every recording rule records data")
    void recordingRulesRecord() throws Exception {
        List<String> noData = Poll.until(SETTLE, LivePrometheusTest::recordingRulesWithoutData, List::isEmpty);
        assertThat(noData).isEmpty();
    }

    @Test
    @DisplayName("every alert expression evaluates, and every series it reads is scraped or recorded")
    void alertsEvaluate() throws Exception {
        List<String> problems = Poll.until(SETTLE, LivePrometheusTest::alertProblems, List::isEmpty);
        assertThat(problems).isEmpty();
    }

    /**
     * Scrapes as the docs say: serving's series get the deployment as a target label (README's plain-Prometheus
     * recipe); the agent labels its own series, and the chart's relabeling fills it where one lacks it (lag and
     * skipped events are per topic).
     */
    private static Path writeConfig(Path file) throws Exception {
        Map<String, Object> serving = Map.of("job_name", "arborist-serving",
                "static_configs", List.of(Map.of("targets", List.of(stack.servingTarget()), "labels", Map.of("deployment", LiveStack.DEPLOYMENT))));
        Map<String, Object> fillDeployment = Map.of("source_labels", List.of("deployment"), "regex", "", "target_label", "deployment",
                "replacement", LiveStack.DEPLOYMENT, "action", "replace");
        Map<String, Object> agent = Map.of("job_name", "arborist-agent", "static_configs", List.of(Map.of("targets", List.of(stack.agentTarget()))),
                "metric_relabel_configs", List.of(fillDeployment));
        Map<String, Object> config = Map.of(
                "global", Map.of("scrape_interval", "1s", "evaluation_interval", "1s"),
                "rule_files", List.of(Dashboards.DIR.resolve(AlertRules.FILE).toAbsolutePath().normalize().toString()),
                "scrape_configs", List.of(serving, agent));
        AlertRules.YAML.writeValue(file.toFile(), config);
        return file;
    }

    private static long targetsUp() {
        return list(prometheus.activeTargets()).stream().filter(t -> "up".equals(t.path("health").asText())).count();
    }

    /** Variable name -> the values its label_values query offers, earlier variables set to their first value. */
    private static Map<String, List<String>> offeredValues(String file) {
        Map<String, String> values = new HashMap<>(BUILT_INS);
        Map<String, List<String>> offered = new LinkedHashMap<>();
        for (Dashboards.Variable v : Dashboards.variables(file)) {
            List<String> these = offered(v, values);
            offered.put(v.name(), these);
            values.put(v.name(), these.isEmpty() ? "" : these.get(0));
        }
        return offered;
    }

    /** Every variable a query may use, set as {@code selection} says. */
    private static Map<String, String> variableValues(String file, Selection selection) {
        Map<String, String> values = new HashMap<>(BUILT_INS);
        for (Dashboards.Variable v : Dashboards.variables(file)) {
            List<String> offered = offered(v, values);
            String value = switch (selection) {
                case ALL -> v.allValue() != null ? v.allValue() : String.join("|", offered);
                case FIRST_VALUE -> offered.isEmpty() ? "" : offered.get(0);
            };
            values.put(v.name(), value);
        }
        return values;
    }

    /** What Grafana's label_values query of {@code v} offers, the variables before it set to {@code values}. */
    private static List<String> offered(Dashboards.Variable v, Map<String, String> values) {
        return prometheus.labelValues(v.label(), GrafanaVariables.substitute(v.selector(), values));
    }

    private static List<String> panelsWithoutData(Selection selection) {
        List<String> out = new ArrayList<>();
        for (String file : Dashboards.FILES) {
            Map<String, String> variables = variableValues(file, selection);
            for (Dashboards.Query q : Dashboards.queries(file)) {
                if (q.kind() != Dashboards.Kind.PANEL) {
                    continue;
                }
                String expr = GrafanaVariables.substitute(q.expr(), variables);
                PrometheusServer.Answer answer = prometheus.query(expr);
                if (!answer.hasNumbers()) {
                    out.add(q.where() + ": " + expr + " -> " + answer);
                }
            }
        }
        return out;
    }

    private static List<String> recordingRulesWithoutData() {
        List<String> out = new ArrayList<>();
        for (JsonNode rule : AlertRules.recordingRules()) {
            List<String> labels = new ArrayList<>();
            rule.path("labels").fields().forEachRemaining(l -> labels.add(l.getKey() + "=\"" + l.getValue().asText() + "\""));
            String selector = rule.path("record").asText() + "{" + String.join(", ", labels) + "}";
            PrometheusServer.Answer answer = prometheus.query(selector);
            if (!answer.hasNumbers()) {
                out.add(selector + " -> " + answer);
            }
        }
        return out;
    }

    private static List<String> alertProblems() {
        List<String> out = new ArrayList<>();
        for (JsonNode alert : AlertRules.alerts()) {
            out.addAll(evaluationProblems("alert " + alert.path("alert").asText(), alert.path("expr").asText()));
        }
        return out;
    }

    /** Whether {@code expr} evaluates, and which series it reads have none: an empty result alone proves nothing. */
    private static List<String> evaluationProblems(String where, String expr) {
        List<String> out = new ArrayList<>();
        PrometheusServer.Answer answer = prometheus.query(expr);
        if (!answer.ok()) {
            out.add(where + ": " + answer);
        }
        for (PromQl.Selector s : PromQl.selectors(expr)) {
            if (!prometheus.query(s.text()).hasSeries()) {
                out.add(where + " reads " + s.text() + ", which has no series");
            }
        }
        return out;
    }

    /** A rule group, in Prometheus' answer or in the file, as "name (n rules)". */
    private static String groupSize(JsonNode group) {
        return group.path("name").asText() + " (" + group.path("rules").size() + " rules)";
    }

    /** Prometheus marks a rule "unknown" until its first evaluation. */
    private static boolean everyRuleEvaluated(JsonNode groups) {
        return list(groups).stream().flatMap(g -> list(g.path("rules")).stream()).noneMatch(r -> "unknown".equals(r.path("health").asText()));
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
