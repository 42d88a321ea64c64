package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dashboards and alerts only read series the code registers: serving's from a real server's /metrics,
 * the agent's from its real meter registry ({@link AgentExposition}), plus the recording rules of
 * alerts.yml. Labels and enumerated label values (status, result, action, metric, reason) are checked too.
 */
@Timeout(120)
class MetricNamesTest {
    private static Map<String, Map<String, Set<String>>> serving;
    private static Map<String, Map<String, Set<String>>> agent;
    private static MetricCatalog catalog;

    @BeforeAll
    static void scrape() throws Exception {
        serving = ServingExposition.series();
        agent = AgentExposition.series();
        catalog = new MetricCatalog().with(serving).with(agent).withNames(AlertRules.recordedNames());
    }

    @Test
    @DisplayName("the scrape is real: serving's histograms, counters and JVM meters are there")
    void scrapeIsReal() {
        assertThat(serving).containsKeys("arborist_time_to_first_token_seconds_bucket", "arborist_requests_total", "arborist_telemetry_dropped_total",
                "arborist_model_info", "jvm_memory_used_bytes");
        assertThat(serving.get("arborist_requests_total").get("status")).contains("error", "rejected", "stop");
    }

    @Test
    @DisplayName("the agent's registry is real: decisions by action, latency targets by metric, expert usage")
    void agentRegistryIsReal() {
        assertThat(agent).containsKeys("arborist_agent_decisions_total", "arborist_slo_target_seconds", "arborist_agent_expert_usage_ratio",
                "arborist_agent_consumer_lag_records");
        assertThat(agent.get("arborist_agent_decisions_total").get("action")).contains("hold", "rollback");
        assertThat(agent.get("arborist_slo_target_seconds").get("metric")).contains("ttft_p95", "itl_p95", "e2e_p95");
        assertThat(agent.keySet()).noneMatch(serving::containsKey);
    }

    @Test
    @DisplayName("every series a dashboard panel, annotation or variable reads is registered, with its labels and values")
    void dashboards() {
        List<String> bad = new ArrayList<>();
        for (Dashboards.Query q : Dashboards.allQueries()) {
            for (PromQl.Selector s : PromQl.selectors(q.expr())) {
                catalog.problems(s).forEach(p -> bad.add(q.where() + ": " + p));
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("every series an alert or recording rule reads is registered, with its labels and values")
    void alerts() {
        List<String> bad = new ArrayList<>();
        for (JsonNode rule : AlertRules.rules()) {
            String where = rule.has("alert") ? "alert " + rule.path("alert").asText() : "record " + rule.path("record").asText();
            for (PromQl.Selector s : PromQl.selectors(rule.path("expr").asText())) {
                catalog.problems(s).forEach(p -> bad.add(where + ": " + p));
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("the agent dashboard shows every agent metric")
    void agentCoverage() {
        assertThat(namesUsedIn("agent.json")).containsAll(agent.keySet());
    }

    @Test
    @DisplayName("the serving dashboard shows every arborist_* family serving exposes")
    void servingCoverage() {
        Set<String> used = new TreeSet<>();
        namesUsedIn("serving.json").forEach(n -> used.add(family(n)));
        Set<String> exposed = new TreeSet<>();
        serving.keySet().stream().filter(n -> n.startsWith("arborist_")).forEach(n -> exposed.add(family(n)));
        assertThat(used).containsAll(exposed);
    }

    private static Set<String> namesUsedIn(String file) {
        Set<String> names = new TreeSet<>();
        for (Dashboards.Query q : Dashboards.queries(file)) {
            PromQl.selectors(q.expr()).forEach(s -> names.add(s.metric()));
        }
        return names;
    }

    /** Histogram and timer series share one family: x_bucket, x_count, x_sum, x_max -> x. */
    private static String family(String series) {
        return series.replaceFirst("_(bucket|count|sum|max)$", "");
    }
}
