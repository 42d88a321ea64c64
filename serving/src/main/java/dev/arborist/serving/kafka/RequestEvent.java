package dev.arborist.serving.kafka;

import dev.arborist.serving.RequestRecord;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Builds the {@code arborist.request.v1} event (the value on {@code arborist.telemetry.requests}). */
final class RequestEvent {
    static final String SCHEMA = "arborist.request.v1";
    private static final double NANOS_PER_SECOND = 1e9;

    private RequestEvent() {
    }

    static JsonObject of(RequestRecord r, String deployment, String replica, Instant finishedAt) {
        boolean hasFirstToken = r.firstTokenNanos() >= 0;
        return new JsonObject()
                .put("schema", SCHEMA)
                .put("request_id", r.requestId())
                .put("replica", replica)
                .put("deployment", deployment)
                .put("plan_id", null) // no pruning plans are served yet
                .put("level", null) // nor ladder levels
                .put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.generatedTokens())
                .put("queue_seconds", r.queuedNanos() / NANOS_PER_SECOND)
                .put("ttft_seconds", hasFirstToken ? r.firstTokenNanos() / NANOS_PER_SECOND : null)
                .put("inter_token_seconds", meanInterToken(r))
                .put("e2e_seconds", r.totalNanos() / NANOS_PER_SECOND)
                .put("finish_reason", r.outcome().label())
                .put("features", new JsonObject()
                        .put("prompt_length", r.promptTokens())
                        .put("slo_class", r.sloClass()))
                .put("timestamp", finishedAt.toString());
    }

    /** Mean gap between tokens after the first; null with fewer than two tokens. */
    private static Double meanInterToken(RequestRecord r) {
        if (r.firstTokenNanos() < 0 || r.generatedTokens() < 2) {
            return null;
        }
        return (r.totalNanos() - r.firstTokenNanos()) / NANOS_PER_SECOND / (r.generatedTokens() - 1);
    }
}
