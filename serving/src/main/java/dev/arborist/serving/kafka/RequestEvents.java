package dev.arborist.serving.kafka;

import dev.arborist.events.RequestEvent;
import dev.arborist.policies.elastic.LevelJson;
import dev.arborist.serving.RequestRecord;
import java.time.Instant;

/** Turns a finished request into its {@code arborist.request.v1} event. */
final class RequestEvents {
    private static final double NANOS_PER_SECOND = 1e9;

    private RequestEvents() {
    }

    static RequestEvent of(RequestRecord r, String deployment, String replica, Instant finishedAt) {
        boolean hasFirstToken = r.firstTokenNanos() >= 0;
        return new RequestEvent(r.requestId(), replica, deployment,
                r.planId(), r.rung(), r.level() == null ? null : LevelJson.encode(r.level()),
                r.promptTokens(), r.generatedTokens(),
                r.queuedNanos() / NANOS_PER_SECOND,
                hasFirstToken ? r.firstTokenNanos() / NANOS_PER_SECOND : null,
                meanInterToken(r),
                r.totalNanos() / NANOS_PER_SECOND,
                r.outcome().label(),
                new RequestEvent.Features(r.promptTokens(), r.sloClass(), r.lengthBucket(), r.signature()),
                shadow(r.shadow()),
                finishedAt.toString(),
                r.promptTokenIds(),
                r.baseRung());
    }

    private static RequestEvent.Shadow shadow(RequestRecord.Shadow s) {
        return s == null ? null : new RequestEvent.Shadow(s.tokens(), s.levelLogLikelihood(), s.denseLogLikelihood(),
                s.rungLogLikelihoods().clone(), s.rungDivergences().clone());
    }

    /** Mean gap between tokens after the first; null with fewer than two tokens. */
    private static Double meanInterToken(RequestRecord r) {
        if (r.firstTokenNanos() < 0 || r.generatedTokens() < 2) {
            return null;
        }
        return (r.totalNanos() - r.firstTokenNanos()) / NANOS_PER_SECOND / (r.generatedTokens() - 1);
    }
}
