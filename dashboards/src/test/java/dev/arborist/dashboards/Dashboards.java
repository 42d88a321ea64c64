package dev.arborist.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The dashboard files of this module and the PromQL they hold. */
final class Dashboards {
    static final Path DIR = Path.of(".");
    static final List<String> FILES = List.of("serving.json", "agent.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's {@code label_values(selector, label)} variable query. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    private Dashboards() {}

    /** Where a query sits: a panel draws its result, an annotation marks events, a variable offers label values. */
    enum Kind { PANEL, ANNOTATION, VARIABLE }

    /** One PromQL expression and where it sits ({@code where} names it for messages). */
    record Query(Kind kind, String where, String expr) {}

    /**
     * A query variable: Grafana offers the values of {@code label} on the series {@code selector} matches;
     * {@code allValue} is what "All" stands for (null: every offered value).
     */
    record Variable(String name, String selector, String label, String allValue) {}

    static JsonNode read(String file) {
        try {
            return JSON.readTree(Files.readString(DIR.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel, rows included, with the panels of collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    static boolean isRow(JsonNode panel) {
        return "row".equals(panel.path("type").asText());
    }

    /** Panel targets, Prometheus annotations and variable queries (the selector inside label_values). */
    static List<Query> queries(String file) {
        JsonNode d = read(file);
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels(d)) {
            for (JsonNode t : p.path("targets")) {
                String where = file + " panel " + p.path("id").asInt() + " \"" + p.path("title").asText() + "\" " + t.path("refId").asText();
                out.add(new Query(Kind.PANEL, where, t.path("expr").asText()));
            }
        }
        for (JsonNode a : d.path("annotations").path("list")) {
            if (a.has("expr")) {
                out.add(new Query(Kind.ANNOTATION, file + " annotation \"" + a.path("name").asText() + "\"", a.path("expr").asText()));
            }
        }
        for (Variable v : variables(file)) {
            out.add(new Query(Kind.VARIABLE, file + " variable $" + v.name(), v.selector()));
        }
        return out;
    }

    /** The query variables of a dashboard, in the order Grafana resolves them (a later one may use an earlier one). */
    static List<Variable> variables(String file) {
        List<Variable> out = new ArrayList<>();
        for (JsonNode v : read(file).path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                Matcher m = labelValues(v.path("query").path("query").asText());
                String allValue = v.path("allValue").isTextual() ? v.path("allValue").asText() : null;
                out.add(new Variable(v.path("name").asText(), m.group(1), m.group(2), allValue));
            }
        }
        return out;
    }

    static List<Query> allQueries() {
        List<Query> out = new ArrayList<>();
        FILES.forEach(f -> out.addAll(queries(f)));
        return out;
    }

    /** A variable query matched: group 1 is the selector, group 2 the label. */
    private static Matcher labelValues(String query) {
        Matcher m = LABEL_VALUES.matcher(query.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("variable query is not label_values(selector, label): " + query);
        }
        return m;
    }
}
