package dev.arborist.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code arborist.model-update.v1} on the compacted {@code arborist.models}: serve this plan.
 *
 * @param planId the plan's id (the sha256 of its plan.safetensors)
 * @param uri the artifact directory: a local path or a {@code file:} URI
 * @param sha256 sha256 of plan.safetensors, as in the artifact's manifest
 * @param baseSha256 fingerprint of the dense base model the plan applies to
 * @param reason why the agent published it; may be null
 * @param rung the ladder rung to serve by default when the plan carries a ladder; null: the plan's own default
 * @param sequence the sequence number of the agent's decision record that announced it (see
 *     {@link Decision#sequence()}); null when published by hand
 * @param policy the per-input policy table ({@code arborist.policy-table.v1}: which input classes run
 *     sparser than the rung) for this plan's ladder; null: every request runs at the rung
 */
public record ModelUpdate(String deployment, String planId, String uri, String sha256, String baseSha256, String reason, Integer rung,
        Long sequence, JsonNode policy) {
    public static final String SCHEMA = "arborist.model-update.v1";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ModelUpdate {
        required("deployment", deployment);
        required("plan_id", planId);
        required("uri", uri);
        required("base_sha256", baseSha256);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("'sha256' must be 64 lower-case hex digits");
        }
        if (rung != null && rung < 0) {
            throw new IllegalArgumentException("'rung' must be >= 0, got " + rung);
        }
        if (policy != null && policy.isNull()) {
            policy = null;
        }
        if (policy != null && !policy.isObject()) {
            throw new IllegalArgumentException("'policy' must be a policy table object");
        }
    }

    public ModelUpdate(String deployment, String planId, String uri, String sha256, String baseSha256, String reason, Integer rung,
            Long sequence) {
        this(deployment, planId, uri, sha256, baseSha256, reason, rung, sequence, null);
    }

    public ModelUpdate(String deployment, String planId, String uri, String sha256, String baseSha256, String reason) {
        this(deployment, planId, uri, sha256, baseSha256, reason, null, null);
    }

    public ModelUpdate(String deployment, String planId, String uri, String sha256, String baseSha256, String reason, Integer rung) {
        this(deployment, planId, uri, sha256, baseSha256, reason, rung, null);
    }

    /** The same plan at another rung: what the agent publishes to move along a ladder (a new announcement: no sequence yet). */
    public ModelUpdate atRung(int newRung, String newReason) {
        return new ModelUpdate(deployment, planId, uri, sha256, baseSha256, newReason, newRung, null, policy);
    }

    /** The same plan and rung with another policy table (null: none); a new announcement, so no sequence yet. */
    public ModelUpdate withPolicy(JsonNode newPolicy, String newReason) {
        return new ModelUpdate(deployment, planId, uri, sha256, baseSha256, newReason, rung, null, newPolicy);
    }

    /** This announcement numbered with the decision record that goes with it. */
    public ModelUpdate withSequence(long newSequence) {
        return new ModelUpdate(deployment, planId, uri, sha256, baseSha256, reason, rung, newSequence, policy);
    }

    public String encode() {
        return EventJson.encode(SCHEMA, this);
    }

    /** Parses and checks an event value; {@link IllegalArgumentException} says what is malformed. */
    public static ModelUpdate parse(String value) {
        return EventJson.decode(value, SCHEMA, ModelUpdate.class);
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

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
    }
}
