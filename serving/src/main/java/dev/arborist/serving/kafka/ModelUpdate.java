package dev.arborist.serving.kafka;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One {@code arborist.model-update.v1} event from {@code arborist.models}: serve this plan.
 *
 * @param planId the plan's id (the sha256 of its plan.safetensors)
 * @param uri the artifact directory: a local path or a {@code file:} URI
 * @param sha256 sha256 of plan.safetensors, as in the artifact's manifest
 * @param baseSha256 fingerprint of the dense base model the plan applies to
 * @param reason why the agent published it; may be null
 */
public record ModelUpdate(String deployment, String planId, String uri, String sha256, String baseSha256, String reason) {
    public static final String SCHEMA = "arborist.model-update.v1";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Parses and checks an event value; {@link IllegalArgumentException} says what is malformed. */
    public static ModelUpdate parse(String value) {
        JsonObject json;
        try {
            json = new JsonObject(value);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!SCHEMA.equals(json.getValue("schema"))) {
            throw new IllegalArgumentException("schema is " + json.getValue("schema") + ", expected " + SCHEMA);
        }
        String reason = json.getValue("reason") instanceof String r ? r : null;
        return new ModelUpdate(required(json, "deployment"), required(json, "plan_id"), required(json, "uri"),
                hash(json, "sha256"), required(json, "base_sha256"), reason);
    }

    /** The artifact directory; {@link IllegalArgumentException} for a URI this replica cannot read. */
    public Path localPath() {
        if (!uri.contains(":") || uri.matches("[A-Za-z]:[\\\\/].*")) { // a plain path (or a Windows drive)
            return Path.of(uri);
        }
        URI parsed = URI.create(uri);
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException("unsupported plan uri " + uri + ": use a local path or a file: URI");
        }
        return Path.of(parsed);
    }

    private static String required(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return s;
    }

    private static String hash(JsonObject json, String field) {
        String s = required(json, field);
        if (!SHA256.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + field + "' must be 64 lower-case hex digits");
        }
        return s;
    }
}
