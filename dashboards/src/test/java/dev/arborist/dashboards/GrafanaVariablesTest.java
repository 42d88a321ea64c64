package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The variable substitution the query tests apply before handing a dashboard query to promtool or Prometheus. */
class GrafanaVariablesTest {

    @Test
    @DisplayName("$name and ${name} are replaced whole: $__rate_interval is not $__rate plus text")
    void substitutes() {
        String expr = "rate(x{deployment=~\"$deployment\", layer=~\"${layer}\"}[$__rate_interval]) offset $__range";
        Map<String, String> values = Map.of("deployment", "a|b", "layer", ".*", "__rate_interval", "30s", "__rate", "WRONG", "__range", "1h");
        assertThat(GrafanaVariables.substitute(expr, values)).isEqualTo("rate(x{deployment=~\"a|b\", layer=~\".*\"}[30s]) offset 1h");
    }

    @Test
    @DisplayName("a variable without a value is an error that names it, never left in the query")
    void unknownVariable() {
        assertThatThrownBy(() -> GrafanaVariables.substitute("x{instance=\"$instance\"}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$instance");
    }
}
