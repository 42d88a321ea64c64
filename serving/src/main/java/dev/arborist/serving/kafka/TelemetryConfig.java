package dev.arborist.serving.kafka;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Where and as whom a replica publishes its request telemetry.
 *
 * @param bootstrap Kafka {@code bootstrap.servers}
 * @param deployment the deployment id: the key of every event, so one deployment stays in order
 * @param replica this server's id within the deployment; defaults to host name and pid
 * @param bufferCapacity events held while Kafka is slow or away; newer ones are dropped beyond it
 * @param sampleEvery one decode step in this many feeds the activation statistics
 * @param statsInterval how often an {@code arborist.stats.v1} sketch is sent
 */
public record TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity, int sampleEvery, Duration statsInterval) {
    public static final int DEFAULT_BUFFER = 10_000;
    public static final int DEFAULT_SAMPLE_EVERY = 8;
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);

    public TelemetryConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("telemetry needs a Kafka bootstrap, e.g. 127.0.0.1:9092");
        }
        if (deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("telemetry needs a deployment id (the key of its events)");
        }
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("bufferCapacity " + bufferCapacity + ": use >= 1");
        }
        if (sampleEvery < 1) {
            throw new IllegalArgumentException("sampleEvery " + sampleEvery + ": use >= 1 (1 instruments every step)");
        }
        if (statsInterval == null || statsInterval.isNegative() || statsInterval.isZero()) {
            throw new IllegalArgumentException("statsInterval " + statsInterval + ": use a positive duration");
        }
        replica = replica == null || replica.isBlank() ? defaultReplica() : replica;
    }

    /** Default sampling: one step in {@value #DEFAULT_SAMPLE_EVERY}, a sketch a minute. */
    public TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity) {
        this(bootstrap, deployment, replica, bufferCapacity, DEFAULT_SAMPLE_EVERY, DEFAULT_STATS_INTERVAL);
    }

    public static TelemetryConfig of(String bootstrap, String deployment) {
        return new TelemetryConfig(bootstrap, deployment, null, DEFAULT_BUFFER);
    }

    public TelemetryConfig withBufferCapacity(int capacity) {
        return new TelemetryConfig(bootstrap, deployment, replica, capacity, sampleEvery, statsInterval);
    }

    /** Instruments one step in {@code every} and sends a sketch each {@code interval}. */
    public TelemetryConfig withStats(int every, Duration interval) {
        return new TelemetryConfig(bootstrap, deployment, replica, bufferCapacity, every, interval);
    }

    public JsonObject toJson() {
        return new JsonObject().put("bootstrap", bootstrap).put("deployment", deployment).put("replica", replica)
                .put("bufferCapacity", bufferCapacity).put("sampleEvery", sampleEvery).put("statsIntervalMs", statsInterval.toMillis());
    }

    public static TelemetryConfig fromJson(JsonObject json) {
        return new TelemetryConfig(json.getString("bootstrap"), json.getString("deployment"), json.getString("replica"),
                json.getInteger("bufferCapacity", DEFAULT_BUFFER), json.getInteger("sampleEvery", DEFAULT_SAMPLE_EVERY),
                Duration.ofMillis(json.getLong("statsIntervalMs", DEFAULT_STATS_INTERVAL.toMillis())));
    }

    private static String defaultReplica() {
        return System.getenv().getOrDefault("HOSTNAME", "local") + "-" + ProcessHandle.current().pid();
    }
}
