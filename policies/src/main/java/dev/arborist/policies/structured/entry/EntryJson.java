package dev.arborist.policies.structured.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the small JSON fields of structured entries, with messages that name the field. */
final class EntryJson {
    private EntryJson() {}

    static int requiredInt(JsonNode entry, String field) {
        JsonNode n = entry.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("plan entry " + entry + " lacks the integer field '" + field + "'");
        }
        return n.asInt();
    }

    static double requiredDouble(JsonNode entry, String field) {
        JsonNode n = entry.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("plan entry " + entry + " lacks the number field '" + field + "'");
        }
        return n.asDouble();
    }

    static List<Integer> requiredInts(JsonNode entry, String field) {
        JsonNode n = entry.get(field);
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException("plan entry " + entry + " lacks the integer array '" + field + "'");
        }
        List<Integer> out = new ArrayList<>(n.size());
        n.forEach(v -> out.add(v.asInt()));
        return out;
    }

    static void putInts(ObjectNode entry, String field, List<Integer> values) {
        ArrayNode a = entry.putArray(field);
        values.forEach(a::add);
    }
}
