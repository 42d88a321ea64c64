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

    /** One PromQL expression and where it sits, for messages. */
    record Query(String where, String expr) {}

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
                out.add(new Query(file + " panel " + p.path("id").asInt() + " \"" + p.path("title").asText() + "\" " + t.path("refId").asText(),
                        t.path("expr").asText()));
            }
        }
        for (JsonNode a : d.path("annotations").path("list")) {
            if (a.has("expr")) {
                out.add(new Query(file + " annotation \"" + a.path("name").asText() + "\"", a.path("expr").asText()));
            }
        }
        for (JsonNode v : d.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                out.add(new Query(file + " variable $" + v.path("name").asText(), variableSelector(v.path("query").path("query").asText())));
            }
        }
        return out;
    }

    static List<Query> allQueries() {
        List<Query> out = new ArrayList<>();
        FILES.forEach(f -> out.addAll(queries(f)));
        return out;
    }

    /** The PromQL inside a variable query. */
    static String variableSelector(String query) {
        Matcher m = LABEL_VALUES.matcher(query.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("variable query is not label_values(selector, label): " + query);
        }
        return m.group(1);
    }
}
