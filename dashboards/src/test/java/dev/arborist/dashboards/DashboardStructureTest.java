package dev.arborist.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The Grafana JSON models: identity, variables, layout, and what every panel and query must carry. */
class DashboardStructureTest {
    static final List<String> FILES = Dashboards.FILES;
    private static final String DATASOURCE = "${datasource}";
    private static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "table", "state-timeline", "heatmap", "bargauge");
    private static final Set<String> BUILTIN_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("schema version 39, a uid, a title and the arborist tag")
    void identity(String file) {
        JsonNode d = Dashboards.read(file);
        assertThat(d.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.path("uid").asText()).matches("arborist-[a-z]+");
        assertThat(d.path("title").asText()).startsWith("Arborist / ");
        assertThat(d.path("description").asText()).isNotBlank();
        assertThat(d.path("tags")).extracting(JsonNode::asText).contains("arborist");
        assertThat(d.path("id").isNull()).as("id must be null so that Grafana assigns one on import").isTrue();
    }

    @Test
    @DisplayName("dashboard uids are distinct")
    void distinctUids() {
        assertThat(FILES.stream().map(f -> Dashboards.read(f).path("uid").asText())).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("a Prometheus datasource variable and a multi-value deployment variable that queries through it")
    void variables(String file) {
        JsonNode vars = Dashboards.read(file).path("templating").path("list");
        JsonNode ds = variable(vars, "datasource");
        assertThat(ds.path("type").asText()).isEqualTo("datasource");
        assertThat(ds.path("query").asText()).isEqualTo("prometheus");
        JsonNode deployment = variable(vars, "deployment");
        assertThat(deployment.path("type").asText()).isEqualTo("query");
        assertThat(deployment.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE);
        assertThat(deployment.path("includeAll").asBoolean()).isTrue();
        // ".*" also matches series without the label, e.g. a local demo scraped without the chart's relabelling.
        assertThat(deployment.path("allValue").asText()).isEqualTo(".*");
        for (JsonNode v : vars) {
            if ("query".equals(v.path("type").asText())) {
                assertThat(v.path("datasource").path("uid").asText()).as("variable " + v.path("name")).isEqualTo(DATASOURCE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("panel ids are unique")
    void uniqueIds(String file) {
        List<Integer> ids = Dashboards.panels(Dashboards.read(file)).stream().map(p -> p.path("id").asInt(-1)).toList();
        assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("panels fit the 24-column grid and do not overlap")
    void layout(String file) {
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode p : Dashboards.read(file).path("panels")) {
            JsonNode g = p.path("gridPos");
            int[] box = {g.path("x").asInt(-1), g.path("y").asInt(-1), g.path("w").asInt(0), g.path("h").asInt(0)};
            String name = "panel " + p.path("id") + " " + p.path("title");
            assertThat(box[0]).as(name + " x").isBetween(0, 23);
            assertThat(box[1]).as(name + " y").isNotNegative();
            assertThat(box[2]).as(name + " w").isPositive();
            assertThat(box[3]).as(name + " h").isPositive();
            assertThat(box[0] + box[2]).as(name + " right edge").isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2] && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlap).as(name + " overlaps another panel").isFalse();
            }
            boxes.add(box);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("every panel: a known type, the datasource variable (panel and targets), a unit, a description, queries")
    void panels(String file) {
        for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
            String name = file + " panel " + p.path("id") + " " + p.path("title");
            assertThat(p.path("type").asText()).as(name + " type").isIn(PANEL_TYPES);
            assertThat(p.path("title").asText()).as(name + " title").isNotBlank();
            if (Dashboards.isRow(p)) {
                continue;
            }
            assertThat(p.path("datasource").path("type").asText()).as(name + " datasource type").isEqualTo("prometheus");
            assertThat(p.path("datasource").path("uid").asText()).as(name + " datasource").isEqualTo(DATASOURCE);
            assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as(name + " unit").isNotBlank();
            assertThat(p.path("description").asText()).as(name + " description").hasSizeGreaterThan(20);
            assertThat(p.path("targets")).as(name + " targets").isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertThat(refIds.add(t.path("refId").asText())).as(name + " duplicate refId " + t.path("refId")).isTrue();
                assertThat(t.path("expr").asText()).as(name + " expr").isNotBlank();
                if (t.has("datasource")) {
                    assertThat(t.path("datasource").path("uid").asText()).as(name + " target datasource").isEqualTo(DATASOURCE);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FILES")
    @DisplayName("Prometheus annotations query through the datasource variable")
    void annotations(String file) {
        for (JsonNode a : Dashboards.read(file).path("annotations").path("list")) {
            if (a.path("builtIn").asInt(0) == 1) {
                continue;
            }
            assertThat(a.path("datasource").path("uid").asText()).as("annotation " + a.path("name")).isEqualTo(DATASOURCE);
            assertThat(a.path("expr").asText()).as("annotation " + a.path("name")).isNotBlank();
        }
    }

    @Test
    @DisplayName("every range window is [$__rate_interval], so rate() and increase() follow the scrape interval and zoom")
    void rateInterval() {
        List<String> bad = new ArrayList<>();
        for (Dashboards.Query q : Dashboards.allQueries()) {
            if (q.expr().matches("(?s).*\\b(rate|irate|increase|changes|delta|deriv)\\s*\\(.*") && PromQl.rangeWindows(q.expr()).isEmpty()) {
                bad.add(q.where() + ": a range function without a window");
            }
            PromQl.rangeWindows(q.expr()).stream().filter(w -> !w.equals("$__rate_interval")).forEach(w -> bad.add(q.where() + ": [" + w + "]"));
        }
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("every selector of a panel or annotation filters on deployment=~\"$deployment\"")
    void deploymentFilter() {
        List<String> bad = new ArrayList<>();
        for (Dashboards.Query q : Dashboards.allQueries()) {
            if (q.where().contains(" variable $deployment")) {
                continue; // the variable lists the deployments, it cannot filter on itself
            }
            for (PromQl.Selector s : PromQl.selectors(q.expr())) {
                if (!s.matches("deployment", "=~", "$deployment")) {
                    bad.add(q.where() + ": " + s.metric());
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("queries only use variables the dashboard defines (or Grafana's built-in interval variables)")
    void variablesDefined() {
        List<String> bad = new ArrayList<>();
        for (String file : FILES) {
            Set<String> defined = new HashSet<>(BUILTIN_VARIABLES);
            Dashboards.read(file).path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            for (Dashboards.Query q : Dashboards.queries(file)) {
                Matcher m = VARIABLE.matcher(q.expr());
                while (m.find()) {
                    if (!defined.contains(m.group(1))) {
                        bad.add(q.where() + ": $" + m.group(1));
                    }
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    private static JsonNode variable(JsonNode vars, String name) {
        for (JsonNode v : vars) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no variable named " + name);
    }
}
