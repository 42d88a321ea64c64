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
 * @param shadowEvery one finished request in this many carries its prompt's tokens and, on an
 *     elastic plan, a shadow score (two extra forwards on the model thread)
 * @param sparseSampleEvery the same as {@code sampleEvery} while serving runs a sparse rung, where a
 *     sampled step runs at full width and so costs its rows their speed-up too; by default
 *     {@value #SPARSE_SAMPLING_SLOWER} times {@code sampleEvery}: the agent went sparser because latency is short
 */
public record TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity, int sampleEvery, Duration statsInterval,
        int shadowEvery, int sparseSampleEvery) {
    public static final int DEFAULT_BUFFER = 10_000;
    public static final int DEFAULT_SAMPLE_EVERY = 8;
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_SHADOW_EVERY = 8;
    public static final int SPARSE_SAMPLING_SLOWER = 4;

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
        if (sparseSampleEvery < sampleEvery) {
            throw new IllegalArgumentException("sparseSampleEvery " + sparseSampleEvery + ": use >= sampleEvery " + sampleEvery
                    + " (a sparse rung samples no more often than the full one)");
        }
        if (shadowEvery < 1) {
            throw new IllegalArgumentException("shadowEvery " + shadowEvery + ": use >= 1 (1 samples every request)");
        }
        replica = replica == null || replica.isBlank() ? defaultReplica() : replica;
    }

    /** Sparse rungs sampled {@value #SPARSE_SAMPLING_SLOWER} times less often. */
    public TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity, int sampleEvery, Duration statsInterval,
            int shadowEvery) {
        this(bootstrap, deployment, replica, bufferCapacity, sampleEvery, statsInterval, shadowEvery, sampleEvery * SPARSE_SAMPLING_SLOWER);
    }

    /** One request in {@value #DEFAULT_SHADOW_EVERY} sampled for a shadow score. */
    public TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity, int sampleEvery, Duration statsInterval) {
        this(bootstrap, deployment, replica, bufferCapacity, sampleEvery, statsInterval, DEFAULT_SHADOW_EVERY);
    }

    /** Default sampling: one step in {@value #DEFAULT_SAMPLE_EVERY}, a sketch a minute. */
    public TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity) {
        this(bootstrap, deployment, replica, bufferCapacity, DEFAULT_SAMPLE_EVERY, DEFAULT_STATS_INTERVAL);
    }

    public static TelemetryConfig of(String bootstrap, String deployment) {
        return new TelemetryConfig(bootstrap, deployment, null, DEFAULT_BUFFER);
    }

    public TelemetryConfig withBufferCapacity(int capacity) {
        return new TelemetryConfig(bootstrap, deployment, replica, capacity, sampleEvery, statsInterval, shadowEvery, sparseSampleEvery);
    }

    /** Instruments one step in {@code every} (in {@value #SPARSE_SAMPLING_SLOWER} times as many on a sparse rung) and sends a sketch each {@code interval}. */
    public TelemetryConfig withStats(int every, Duration interval) {
        return new TelemetryConfig(bootstrap, deployment, replica, bufferCapacity, every, interval, shadowEvery);
    }

    /** Samples one finished request in {@code every} for its prompt tokens and a shadow score. */
    public TelemetryConfig withShadowEvery(int every) {
        return new TelemetryConfig(bootstrap, deployment, replica, bufferCapacity, sampleEvery, statsInterval, every, sparseSampleEvery);
    }

    /** Instruments one step in {@code every} while serving runs a sparse rung. */
    public TelemetryConfig withSparseSampleEvery(int every) {
        return new TelemetryConfig(bootstrap, deployment, replica, bufferCapacity, sampleEvery, statsInterval, shadowEvery, every);
    }

    public JsonObject toJson() {
        return new JsonObject().put("bootstrap", bootstrap).put("deployment", deployment).put("replica", replica)
                .put("bufferCapacity", bufferCapacity).put("sampleEvery", sampleEvery).put("statsIntervalMs", statsInterval.toMillis()).put("shadowEvery", shadowEvery)
                .put("sparseSampleEvery", sparseSampleEvery);
    }

    public static TelemetryConfig fromJson(JsonObject json) {
        return new TelemetryConfig(json.getString("bootstrap"), json.getString("deployment"), json.getString("replica"),
                json.getInteger("bufferCapacity", DEFAULT_BUFFER), json.getInteger("sampleEvery", DEFAULT_SAMPLE_EVERY),
                Duration.ofMillis(json.getLong("statsIntervalMs", DEFAULT_STATS_INTERVAL.toMillis())),
                json.getInteger("shadowEvery", DEFAULT_SHADOW_EVERY),
                json.getInteger("sparseSampleEvery", json.getInteger("sampleEvery", DEFAULT_SAMPLE_EVERY) * SPARSE_SAMPLING_SLOWER));
    }

    private static String defaultReplica() {
        return System.getenv().getOrDefault("HOSTNAME", "local") + "-" + ProcessHandle.current().pid();
    }
}
