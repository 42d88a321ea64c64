package dev.arborist.serving;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of request fields; a value of the wrong type is a 400 naming the field. */
final class Fields {
    private Fields() {}

    static String string(JsonObject json, String field) {
        return optional(json, field, String.class, "a string");
    }

    static Integer integer(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw wrongType(field, "an integer");
        }
        long value = ((Number) v).longValue();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw ApiError.invalid("'" + field + "' is out of range", field);
        }
        return (int) value;
    }

    static Long longValue(JsonObject json, String field) {
        Object v = json.getValue(field);
        if (v != null && !(v instanceof Integer || v instanceof Long)) {
            throw wrongType(field, "an integer");
        }
        return v == null ? null : ((Number) v).longValue();
    }

    static double number(JsonObject json, String field, double fallback) {
        Object v = json.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number)) {
            throw wrongType(field, "a number");
        }
        return ((Number) v).doubleValue();
    }

    static boolean bool(JsonObject json, String field, boolean fallback) {
        Object v = json.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean)) {
            throw wrongType(field, "a boolean");
        }
        return (Boolean) v;
    }

    static JsonObject object(JsonObject json, String field) {
        return optional(json, field, JsonObject.class, "an object");
    }

    static JsonArray array(JsonObject json, String field) {
        return optional(json, field, JsonArray.class, "an array");
    }

    /** The field's value if it has the given type, null if absent, a 400 otherwise. */
    private static <T> T optional(JsonObject json, String field, Class<T> type, String expected) {
        Object v = json.getValue(field);
        if (v != null && !type.isInstance(v)) {
            throw wrongType(field, expected);
        }
        return type.cast(v);
    }

    static ApiError wrongType(String field, String expected) {
        return ApiError.invalid("'" + field + "' must be " + expected, field);
    }
}
