package dev.arborist.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The rule groups of alerts.yml. */
final class AlertRules {
    static final String FILE = "alerts.yml";
    static final String TESTS = "alerts_test.yml";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private AlertRules() {}

    /** Every rule (alerting and recording) of every group. */
    static List<JsonNode> rules() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode group : groups()) {
            group.path("rules").forEach(out::add);
        }
        return out;
    }

    /** The rule groups, in file order. */
    static List<JsonNode> groups() {
        try {
            List<JsonNode> out = new ArrayList<>();
            YAML.readTree(Dashboards.DIR.resolve(FILE).toFile()).path("groups").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> recordingRules() {
        return rules().stream().filter(r -> r.has("record")).toList();
    }

    static List<JsonNode> alerts() {
        return rules().stream().filter(r -> r.has("alert")).toList();
    }

    /** Names the recording rules define: usable in expressions like any scraped series. */
    static Set<String> recordedNames() {
        Set<String> out = new LinkedHashSet<>();
        rules().stream().filter(r -> r.has("record")).forEach(r -> out.add(r.path("record").asText()));
        return out;
    }

    static Path dir() {
        return Dashboards.DIR;
    }
}
