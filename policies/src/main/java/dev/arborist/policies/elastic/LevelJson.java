package dev.arborist.policies.elastic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.nn.Level;
import java.util.TreeSet;

/**
 * A {@link Level} as JSON: {@code {"ffn_fraction": 0.5, "experts_kept": 8, "kv_groups_kept": 2,
 * "skipped_layers": [3], "skip_beta": 0.3}}. Parsing names the field that is missing or wrong.
 */
public final class LevelJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LevelJson() {}

    public static ObjectNode encode(Level level) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ffn_fraction", level.ffnFraction());
        o.put("experts_kept", level.expertsKept());
        o.put("kv_groups_kept", level.kvGroupsKept());
        level.skippedLayers().forEach(o.putArray("skipped_layers")::add);
        o.put("skip_beta", level.skipBeta());
        return o;
    }

    /** @throws IllegalArgumentException naming the field that is missing, mistyped or out of range */
    public static Level parse(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("a level must be a JSON object, got " + o);
        }
        JsonNode skipped = o.get("skipped_layers");
        if (skipped == null || !skipped.isArray()) {
            throw new IllegalArgumentException("level " + o + " lacks the integer array 'skipped_layers'");
        }
        TreeSet<Integer> layers = new TreeSet<>();
        for (JsonNode l : skipped) {
            if (!l.canConvertToInt() || !l.isIntegralNumber()) {
                throw new IllegalArgumentException("level " + o + ": 'skipped_layers' must hold layer indices, got " + l);
            }
            layers.add(l.asInt());
        }
        return new Level(number(o, "ffn_fraction"), integer(o, "experts_kept"), integer(o, "kv_groups_kept"), layers,
                number(o, "skip_beta"));
    }

    public static Level parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a level must be JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static double number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("level " + o + " lacks the number '" + field + "'");
        }
        return n.asDouble();
    }

    private static int integer(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("level " + o + " lacks the integer '" + field + "'");
        }
        return n.asInt();
    }
}
