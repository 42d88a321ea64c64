package dev.arborist.serving;

/**
 * Told about every request that leaves the scheduler. The seam for telemetry: metrics implement it
 * today, the Kafka {@code arborist.request.v1} producer will. Called on the model thread: keep it
 * quick and never block.
 */
@FunctionalInterface
public interface RequestListener {
    void onCompleted(RequestRecord record);
}
