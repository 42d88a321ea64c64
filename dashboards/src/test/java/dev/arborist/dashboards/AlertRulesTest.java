package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** alerts.yml: promtool's verdicts, the unit tests in alerts_test.yml, and the conventions every alert follows. */
class AlertRulesTest {

    @Test
    @DisplayName("promtool check rules alerts.yml is clean")
    void promtoolCheck() throws Exception {
        Promtool.Result r = Promtool.run(AlertRules.dir(), "check", "rules", AlertRules.FILE);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS").doesNotContain("WARNING");
    }

    @Test
    @DisplayName("promtool test rules alerts_test.yml passes: each alert fires when it should, with its rendered annotations")
    void promtoolUnitTests() throws Exception {
        Promtool.Result r = Promtool.run(AlertRules.dir(), "test", "rules", AlertRules.TESTS);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    @DisplayName("every alert has a unique Arborist* name, a for duration, a severity, a summary and a description")
    void conventions() {
        List<JsonNode> alerts = AlertRules.alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        Set<String> names = new HashSet<>();
        for (JsonNode a : alerts) {
            String name = a.path("alert").asText();
            assertThat(names.add(name)).as("duplicate alert " + name).isTrue();
            assertThat(name).as("alert name").matches("Arborist[A-Z][A-Za-z0-9]+");
            assertThat(a.path("for").asText()).as(name + " for").matches("\\d+[smh]");
            assertThat(a.path("labels").path("severity").asText()).as(name + " severity").isIn("critical", "warning", "info");
            assertThat(a.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(a.path("annotations").path("description").asText()).as(name + " description").isNotBlank().hasSizeGreaterThan(40);
        }
    }

    @Test
    @DisplayName("every alert is exercised by alerts_test.yml, firing at least once")
    void everyAlertIsUnitTested() throws Exception {
        JsonNode tests = AlertRules.YAML.readTree(AlertRules.dir().resolve(AlertRules.TESTS).toFile());
        Set<String> firing = new HashSet<>();
        for (JsonNode t : tests.path("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) {
                if (!a.path("exp_alerts").isEmpty()) {
                    firing.add(a.path("alertname").asText());
                }
            }
        }
        assertThat(firing).containsExactlyInAnyOrderElementsOf(AlertRules.alerts().stream().map(a -> a.path("alert").asText()).toList());
    }

    @Test
    @DisplayName("the issue's alert families are all there: SLO burn, swap failures, telemetry drops, agent lag, quality budget")
    void coverage() {
        List<String> exprs = AlertRules.alerts().stream().map(a -> a.path("expr").asText()).toList();
        assertThat(exprs).anyMatch(e -> e.contains("arborist_slo_target_seconds"));
        assertThat(exprs).anyMatch(e -> e.contains("request_failure_ratio:rate1h") && e.contains("request_failure_ratio:rate5m"));
        assertThat(exprs).anyMatch(e -> e.contains("arborist_swaps_total{result=\"rejected\"}"));
        assertThat(exprs).anyMatch(e -> e.contains("arborist_telemetry_dropped_total"));
        assertThat(exprs).anyMatch(e -> e.contains("arborist_agent_consumer_lag_records"));
        assertThat(exprs).anyMatch(e -> e.contains("arborist_agent_quality_budget_ratio"));
    }
}
