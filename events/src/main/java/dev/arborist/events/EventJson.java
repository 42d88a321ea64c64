package dev.arborist.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Collectors;

/**
 * The wire format of every Arborist event: a JSON object whose {@code schema} field names the
 * event type and version, snake_case fields, absent fields for absent values. Unknown fields are
 * ignored so a newer producer can add fields without breaking an older consumer; a wrong schema
 * or a malformed value is an {@link IllegalArgumentException} that says what is wrong.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private EventJson() {
    }

    /** The event as one JSON object with {@code schema} first. */
    public static String encode(String schema, Object event) {
        ObjectNode node = MAPPER.createObjectNode().put("schema", schema);
        node.setAll((ObjectNode) MAPPER.valueToTree(event));
        return node.toString();
    }

    /** Parses a value written by {@link #encode}; the schema must match exactly. */
    public static <T> T decode(String value, String schema, Class<T> type) {
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode actual = node.get("schema");
        if (actual == null || !schema.equals(actual.asText())) {
            throw new IllegalArgumentException("schema is " + (actual == null ? "missing" : actual) + ", expected " + schema);
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // A record's own validation arrives wrapped; its message is the one worth showing.
            String reason = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage()
                    : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            int hint = reason.indexOf(" (set "); // Jackson's advice on its own settings means nothing to a reader of the event
            throw new IllegalArgumentException("malformed " + schema + where(e) + ": " + (hint > 0 ? reason.substring(0, hint) : reason));
        }
    }

    private static String where(Exception e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        return " at '" + mapping.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")) + "'";
    }

    /** The schema a value declares, or null when it is not a JSON object with a schema field. */
    public static String schemaOf(String value) {
        try {
            JsonNode node = MAPPER.readTree(value);
            JsonNode schema = node == null ? null : node.get("schema");
            return schema != null && schema.isTextual() ? schema.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A tree from a plain object (e.g. a level's settings) for fields typed as {@link JsonNode}. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** The shared mapper, for codecs of nested documents (levels, ladders) that follow the same conventions. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
