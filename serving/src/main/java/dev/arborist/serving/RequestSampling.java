package dev.arborist.serving;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks finished requests for the agent's closer look. One in {@code every} carries its prompt's
 * tokens (the agent replays recent prompts when it verifies a plan): every n-th, not a random
 * draw, so the load is spread evenly. Each such pick also makes one {@link ShadowScorer shadow
 * profile} due, and that one costs the model thread a forward per rung, a stall for every running
 * request. So a due profile waits for a request that finishes when the model thread has nothing
 * else to do ({@link ProfileDue}); the profiled record carries its prompt too. A failed score is
 * logged and the record goes out without it. Model thread only.
 */
final class RequestSampling {
    private static final Logger LOG = LoggerFactory.getLogger(RequestSampling.class);

    private final int every;
    private final ShadowScorer scorer;
    private final ProfileDue due = new ProfileDue();
    private long finished;

    RequestSampling(int every, ShadowScorer scorer) {
        if (every < 1) {
            throw new IllegalArgumentException("sample one request in " + every + ": use >= 1");
        }
        this.every = every;
        this.scorer = scorer;
    }

    /**
     * @param idle no other request runs or waits: a profile now delays nobody
     * @return {@code record}, with the prompt when this request is sampled and a shadow score when it is profiled
     */
    RequestRecord sample(Sequence s, RequestRecord record, boolean idle) {
        boolean picked = finished++ % every == 0;
        if (picked) {
            due.owe();
        }
        boolean profiled = profilable(record) && due.take(idle);
        if (!picked && !profiled) {
            return record;
        }
        return record.sampled(profiled ? shadow(s, record) : null, s.prompt.clone());
    }

    /** Only a request on an elastic version with a continuation has anything to compare. */
    private static boolean profilable(RequestRecord record) {
        return record.rung() != null && record.generatedTokens() > 0;
    }

    private RequestRecord.Shadow shadow(Sequence s, RequestRecord record) {
        try {
            return scorer.score(s.version().elastic().rungModels(), record.rung(), s.prompt, s.completion());
        } catch (RuntimeException e) {
            LOG.warn("shadow score of request {} failed: {}", s.id, e.toString());
            return null;
        }
    }
}
