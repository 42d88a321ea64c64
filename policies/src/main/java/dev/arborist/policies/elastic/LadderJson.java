package dev.arborist.policies.elastic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * ladder.json of an elastic plan: the rungs (level, measured quality and speed) and the layer-skip
 * order. Field names are the ones the CLI's {@code --json} output uses.
 */
public final class LadderJson {
    public static final String SCHEMA = "arborist.elastic-ladder.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LadderJson() {}

    public static ObjectNode encode(Ladder ladder, List<Integer> layerSkipOrder) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", SCHEMA);
        layerSkipOrder.forEach(o.putArray("layer_skip_order")::add);
        ArrayNode rungs = o.putArray("rungs");
        ladder.rungs().forEach(r -> rungs.add(rung(r)));
        return o;
    }

    public static ObjectNode rung(Rung r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("index", r.index());
        o.put("budget", r.budget());
        o.set("level", LevelJson.encode(r.level()));
        o.put("perplexity", r.perplexity());
        o.put("perplexity_ratio", r.perplexityRatio());
        o.put("relative_cost", r.relativeCost());
        o.put("decode_speedup_batch8", r.decodeSpeedupBatch8());
        o.put("decode_speedup_batch1", r.decodeSpeedupBatch1());
        return o;
    }

    /** @throws IllegalArgumentException naming what is missing or wrong */
    public static Ladder ladder(JsonNode o) {
        requireSchema(o);
        JsonNode rungs = o.get("rungs");
        if (rungs == null || !rungs.isArray()) {
            throw new IllegalArgumentException("ladder lacks the array 'rungs'");
        }
        List<Rung> out = new ArrayList<>();
        for (JsonNode r : rungs) {
            out.add(new Rung(integer(r, "index"), number(r, "budget"), LevelJson.parse(r.get("level")), number(r, "perplexity"),
                    number(r, "perplexity_ratio"), number(r, "relative_cost"), number(r, "decode_speedup_batch8"),
                    number(r, "decode_speedup_batch1")));
        }
        return new Ladder(out);
    }

    public static List<Integer> layerSkipOrder(JsonNode o) {
        requireSchema(o);
        JsonNode order = o.get("layer_skip_order");
        if (order == null || !order.isArray()) {
            throw new IllegalArgumentException("ladder lacks the integer array 'layer_skip_order'");
        }
        List<Integer> out = new ArrayList<>();
        order.forEach(l -> out.add(l.asInt()));
        return List.copyOf(out);
    }

    private static void requireSchema(JsonNode o) {
        if (o == null || !SCHEMA.equals(o.path("schema").asText())) {
            throw new IllegalArgumentException("not an elastic ladder (schema " + SCHEMA + ")");
        }
    }

    private static double number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("rung " + o.path("index") + " lacks the number '" + field + "'");
        }
        return n.asDouble();
    }

    private static int integer(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("a rung lacks the integer '" + field + "'");
        }
        return n.asInt();
    }
}
