package dev.arborist.serving.kafka;

import io.vertx.core.json.JsonObject;

/**
 * Where and as whom a replica publishes its request telemetry.
 *
 * @param bootstrap Kafka {@code bootstrap.servers}
 * @param deployment the deployment id: the key of every event, so one deployment stays in order
 * @param replica this server's id within the deployment; defaults to host name and pid
 * @param bufferCapacity events held while Kafka is slow or away; newer ones are dropped beyond it
 */
public record TelemetryConfig(String bootstrap, String deployment, String replica, int bufferCapacity) {
    public static final int DEFAULT_BUFFER = 10_000;

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
        replica = replica == null || replica.isBlank() ? defaultReplica() : replica;
    }

    public static TelemetryConfig of(String bootstrap, String deployment) {
        return new TelemetryConfig(bootstrap, deployment, null, DEFAULT_BUFFER);
    }

    public TelemetryConfig withBufferCapacity(int capacity) {
        return new TelemetryConfig(bootstrap, deployment, replica, capacity);
    }

    public JsonObject toJson() {
        return new JsonObject().put("bootstrap", bootstrap).put("deployment", deployment).put("replica", replica)
                .put("bufferCapacity", bufferCapacity);
    }

    public static TelemetryConfig fromJson(JsonObject json) {
        return new TelemetryConfig(json.getString("bootstrap"), json.getString("deployment"), json.getString("replica"),
                json.getInteger("bufferCapacity", DEFAULT_BUFFER));
    }

    private static String defaultReplica() {
        return System.getenv().getOrDefault("HOSTNAME", "local") + "-" + ProcessHandle.current().pid();
    }
}
