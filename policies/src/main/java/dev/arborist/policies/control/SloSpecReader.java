package dev.arborist.policies.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Maps spec files (YAML or JSON, snake_case keys) to {@link SloSpec}s. Only this class knows the
 * key names and types; value ranges are checked once, by the record. Every error starts with the
 * source and, for a list, the entry, and names the key.
 */
final class SloSpecReader {
    static final List<String> KEYS = List.of("deployment", "ttft_p95_seconds", "itl_p95_seconds", "e2e_p95_seconds",
            "quality_budget", "cooldown_seconds", "max_step", "headroom_fraction", "guard_fraction", "headroom_windows", "violation_windows",
            "min_requests", "input_tolerance");
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private SloSpecReader() {
    }

    static List<SloSpec> readAll(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SLO spec " + file + ": " + e.getMessage(), e);
        }
        return parseAll(text, file.toString());
    }

    static List<SloSpec> parseAll(String text, String source) {
        JsonNode root = tree(text, source);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException(source + ": no SLO spec (the document is empty)");
        }
        if (root.isObject()) {
            return List.of(spec(root, source));
        }
        if (!root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException(source + ": expected one SLO spec (a mapping) or a non-empty list of them");
        }
        List<SloSpec> specs = new ArrayList<>();
        Set<String> deployments = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            SloSpec spec = spec(root.get(i), source + " entry " + (i + 1));
            if (!deployments.add(spec.deployment())) {
                throw new IllegalArgumentException(source + " entry " + (i + 1) + ": deployment '" + spec.deployment() + "' appears twice");
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    static SloSpec single(List<SloSpec> specs, String source) {
        if (specs.size() != 1) {
            throw new IllegalArgumentException(source + " holds " + specs.size() + " SLO specs; read it with SloSpec.readAll");
        }
        return specs.get(0);
    }

    private static JsonNode tree(String text, String source) {
        String trimmed = text.strip();
        boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
        try {
            return (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
        }
    }

    private static SloSpec spec(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping of SLO keys, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known keys: " + String.join(", ", KEYS) + ")");
            }
        }
        String deployment = text(node, "deployment", where);
        if (deployment == null) {
            throw new IllegalArgumentException(where + ": missing required key 'deployment'");
        }
        Double budget = number(node, "quality_budget", where);
        if (budget == null) {
            throw new IllegalArgumentException(where + ": missing required key 'quality_budget' (max held-out perplexity increase, e.g. 0.10)");
        }
        SloSpec.Builder b = SloSpec.builder(deployment).qualityBudget(budget);
        ifPresent(number(node, "ttft_p95_seconds", where), b::ttftP95Seconds);
        ifPresent(number(node, "itl_p95_seconds", where), b::itlP95Seconds);
        ifPresent(number(node, "e2e_p95_seconds", where), b::e2eP95Seconds);
        ifPresent(number(node, "cooldown_seconds", where), s -> b.cooldown(seconds(s, where)));
        ifPresent(number(node, "headroom_fraction", where), b::headroomFraction);
        ifPresent(number(node, "guard_fraction", where), b::guardFraction);
        ifPresent(integer(node, "max_step", where), b::maxStep);
        ifPresent(integer(node, "headroom_windows", where), b::headroomWindows);
        ifPresent(integer(node, "violation_windows", where), b::violationWindows);
        ifPresent(integer(node, "min_requests", where), b::minRequests);
        ifPresent(number(node, "input_tolerance", where), b::inputTolerance);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static <T> void ifPresent(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static Duration seconds(double s, String where) {
        if (!(s >= 0 && s < 1e9)) {
            throw new IllegalArgumentException(where + ": cooldown_seconds must be a non-negative number of seconds, got " + s);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a string, got " + v);
        }
        return v.asText();
    }

    private static Double number(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static Integer integer(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a whole number, got " + v);
        }
        return v.intValue();
    }
}
