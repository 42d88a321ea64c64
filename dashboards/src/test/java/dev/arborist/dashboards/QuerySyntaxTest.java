package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard query is valid PromQL: with Grafana's variables replaced by what Grafana would put
 * there, the queries become recording rules and promtool parses them.
 */
class QuerySyntaxTest {
    /** What Grafana substitutes; "All" of a multi-value variable becomes its allValue. */
    private static final Map<String, String> SUBSTITUTIONS = Map.of(
            "__rate_interval", "1m", "__interval", "30s", "__range", "3h", "deployment", ".*", "layer", ".*");

    @TempDir
    Path dir;

    @Test
    @DisplayName("promtool parses every panel, annotation and variable query of both dashboards")
    void promtoolParsesEveryQuery() throws Exception {
        List<Dashboards.Query> queries = Dashboards.allQueries();
        List<Map<String, String>> rules = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            String expr = GrafanaVariables.substitute(queries.get(i).expr(), SUBSTITUTIONS);
            assertThat(expr).as(queries.get(i).where() + ": a variable has no substitution").doesNotContain("$");
            Map<String, String> rule = new LinkedHashMap<>();
            rule.put("record", "dashboard_query_" + i);
            rule.put("expr", expr);
            rules.add(rule);
        }
        Path file = dir.resolve("queries.yml");
        AlertRules.YAML.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules))));

        Promtool.Result r = Promtool.run(dir, "check", "rules", file.getFileName().toString());

        assertThat(r.exitCode()).as(r.output() + "\n" + Files.readString(file)).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }
}
