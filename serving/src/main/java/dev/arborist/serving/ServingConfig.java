package dev.arborist.serving;

import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server reads at start, parsed once. Travels to the verticle as JSON through
 * {@code DeploymentOptions.setConfig} and comes back as this record in {@code start()}.
 *
 * @param modelDir Hugging Face model directory with config.json, weights and tokenizer.json
 * @param modelName the id clients put in {@code model}; defaults to the directory name
 * @param port 0 picks a free port
 * @param maxBatch sequences decoded together (KV-cache slots)
 * @param queueCapacity requests waiting for a slot before new ones get 429
 * @param maxBodyBytes larger request bodies get 413
 * @param drainTimeout how long shutdown waits for in-flight requests before cancelling them
 * @param telemetry where to publish request events to Kafka; null publishes nothing
 * @param adminToken the bearer token the /admin API requires; null disables the admin API
 * @param surgeAfter run steps sparser than the base rung once the oldest request in the system is this old
 *     ({@link SurgeRule}); null: never
 */
public record ServingConfig(
        Path modelDir, String modelName, String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, Duration drainTimeout,
        TelemetryConfig telemetry, String adminToken, Duration surgeAfter) {

    public ServingConfig {
        if (modelDir == null) {
            throw new IllegalArgumentException("modelDir is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + ": use 0..65535 (0 = any free port)");
        }
        if (maxBatch < 1 || queueCapacity < 1 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("need maxBatch >= 1, queueCapacity >= 1, maxBodyBytes >= 1");
        }
        modelName = modelName == null || modelName.isBlank() ? modelDir.getFileName().toString() : modelName;
        adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
        if (surgeAfter != null) {
            new SurgeRule(surgeAfter); // validates
        }
    }

    /** Without a surge rule. */
    public ServingConfig(
            Path modelDir, String modelName, String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, Duration drainTimeout,
            TelemetryConfig telemetry, String adminToken) {
        this(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, telemetry, adminToken, null);
    }

    /** Without an admin API. */
    public ServingConfig(
            Path modelDir, String modelName, String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, Duration drainTimeout,
            TelemetryConfig telemetry) {
        this(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, telemetry, null);
    }

    /** Without telemetry. */
    public ServingConfig(
            Path modelDir, String modelName, String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, Duration drainTimeout) {
        this(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, null);
    }

    /** Defaults: all interfaces, port 8000, batch 8, queue 64, 1 MiB bodies, 30 s drain. */
    public static ServingConfig of(Path modelDir) {
        return new ServingConfig(modelDir, null, "0.0.0.0", 8000, 8, 64, 1 << 20, Duration.ofSeconds(30));
    }

    public ServingConfig withPort(int newPort) {
        return new ServingConfig(modelDir, modelName, host, newPort, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, telemetry, adminToken, surgeAfter);
    }

    public ServingConfig withLimits(int newMaxBatch, int newQueueCapacity, long newMaxBodyBytes) {
        return new ServingConfig(modelDir, modelName, host, port, newMaxBatch, newQueueCapacity, newMaxBodyBytes, drainTimeout, telemetry, adminToken, surgeAfter);
    }

    /** Publishes request events to Kafka as {@code newTelemetry} says (null: not at all). */
    public ServingConfig withTelemetry(TelemetryConfig newTelemetry) {
        return new ServingConfig(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, newTelemetry, adminToken, surgeAfter);
    }

    /** Enables the /admin API behind {@code token} (null: disables it). */
    public ServingConfig withAdminToken(String token) {
        return new ServingConfig(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, telemetry, token, surgeAfter);
    }

    /** Runs steps sparser once the oldest request in the system is {@code after} old (null: never); see {@link SurgeRule}. */
    public ServingConfig withSurgeAfter(Duration after) {
        return new ServingConfig(modelDir, modelName, host, port, maxBatch, queueCapacity, maxBodyBytes, drainTimeout, telemetry, adminToken, after);
    }

    /** The surge rule, or null when steps never run sparser than asked. */
    SurgeRule surge() {
        return surgeAfter == null ? null : new SurgeRule(surgeAfter);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("modelDir", modelDir.toString())
                .put("modelName", modelName)
                .put("host", host)
                .put("port", port)
                .put("maxBatch", maxBatch)
                .put("queueCapacity", queueCapacity)
                .put("maxBodyBytes", maxBodyBytes)
                .put("drainTimeoutMs", drainTimeout.toMillis())
                .put("telemetry", telemetry == null ? null : telemetry.toJson())
                .put("adminToken", adminToken)
                .put("surgeAfterMs", surgeAfter == null ? null : surgeAfter.toMillis());
    }

    public static ServingConfig fromJson(JsonObject json) {
        return new ServingConfig(
                Path.of(json.getString("modelDir")),
                json.getString("modelName"),
                json.getString("host", "0.0.0.0"),
                json.getInteger("port", 8000),
                json.getInteger("maxBatch", 8),
                json.getInteger("queueCapacity", 64),
                json.getLong("maxBodyBytes", 1L << 20),
                Duration.ofMillis(json.getLong("drainTimeoutMs", 30_000L)),
                json.getJsonObject("telemetry") == null ? null : TelemetryConfig.fromJson(json.getJsonObject("telemetry")),
                json.getString("adminToken"),
                json.getLong("surgeAfterMs") == null ? null : Duration.ofMillis(json.getLong("surgeAfterMs")));
    }

    /** Never prints the admin token: configs end up in logs. */
    @Override
    public String toString() {
        return "ServingConfig[modelDir=" + modelDir + ", modelName=" + modelName + ", host=" + host + ", port=" + port
                + ", maxBatch=" + maxBatch + ", queueCapacity=" + queueCapacity + ", maxBodyBytes=" + maxBodyBytes
                + ", drainTimeout=" + drainTimeout + ", telemetry=" + telemetry + ", adminToken=" + (adminToken == null ? "none" : "***") + ", surgeAfter=" + surgeAfter + "]";
    }
}
