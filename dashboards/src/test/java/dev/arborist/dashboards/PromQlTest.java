package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The selector scanner and the catalog check the metric-name tests rely on. */
class PromQlTest {

    @Test
    @DisplayName("metric names are found; functions, aggregations, grouping labels, keywords, numbers and durations are not")
    void names() {
        String expr = "histogram_quantile(0.95, sum by (le, deployment) (rate(a_bucket{deployment=~\"$deployment\"}[$__rate_interval])))"
                + " > on (deployment) group_left max without (instance) (b) and bool c offset 5m unless 1e-09 * d{x=\"y, z}\"}";
        assertThat(PromQl.selectors(expr)).extracting(PromQl.Selector::metric).containsExactly("a_bucket", "b", "c", "d");
    }

    @Test
    @DisplayName("label matchers keep their operator and unquoted value, commas inside values included")
    void matchers() {
        PromQl.Selector s = PromQl.selectors("rate(x_total{status=~\"error|rejected\", code!='5,0', le=\"+Inf\"}[5m])").get(0);
        assertThat(s.matchers()).containsExactly(
                new PromQl.LabelMatcher("status", "=~", "error|rejected"),
                new PromQl.LabelMatcher("code", "!=", "5,0"),
                new PromQl.LabelMatcher("le", "=", "+Inf"));
        assertThat(PromQl.rangeWindows("rate(x[5m]) + rate(y{a=\"[b]\"}[$__rate_interval])")).containsExactly("5m", "$__rate_interval");
    }

    @Test
    @DisplayName("recording-rule names with colons are names too; unreadable matchers are an error, not a silent pass")
    void edges() {
        assertThat(PromQl.selectors("arborist:latency_p95_seconds:rate5m > 1")).extracting(PromQl.Selector::metric)
                .containsExactly("arborist:latency_p95_seconds:rate5m");
        assertThatThrownBy(() -> PromQl.selectors("x{status=error}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromQl.selectors("rate(x[5m)")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a selector prints back as PromQL that selects the same series")
    void text() {
        String expr = "sum(rate(x_total{status=~\"error|rejected\", code!=\"5\\\"0\"}[5m])) / y + z:recorded{metric=\"e2e_p95\"}";
        assertThat(PromQl.selectors(expr)).extracting(PromQl.Selector::text)
                .containsExactly("x_total{status=~\"error|rejected\", code!=\"5\\\"0\"}", "y", "z:recorded{metric=\"e2e_p95\"}");
    }

    @Test
    @DisplayName("the catalog rejects unknown names, unknown labels and values outside an enumerated set")
    void catalog() {
        MetricCatalog c = new MetricCatalog().with(Map.of("x_total", Map.of("status", Set.of("ok", "error"), "plan_id", Set.of())));
        assertThat(c.problems(PromQl.selectors("x_total{deployment=~\"$deployment\", status=~\"ok|error\", plan_id=\"p7\"}").get(0))).isEmpty();
        assertThat(c.problems(PromQl.selectors("y_total").get(0))).containsExactly("unknown metric y_total");
        assertThat(c.problems(PromQl.selectors("x_total{outcome=\"ok\"}").get(0))).singleElement().asString().contains("has no label outcome");
        assertThat(c.problems(PromQl.selectors("x_total{status=~\"ok|errors\"}").get(0))).singleElement().asString().contains("never \"errors\"");
        assertThat(c.problems(PromQl.selectors("x_total{status!=\"whatever\"}").get(0))).isEmpty();
    }
}
