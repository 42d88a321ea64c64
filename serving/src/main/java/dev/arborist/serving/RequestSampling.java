package dev.arborist.serving;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks one finished request in {@code every} for the agent's closer look: its record then carries
 * the prompt's tokens (the agent replays recent prompts when it verifies a plan) and, on an
 * elastic version, the {@link ShadowScorer shadow score} of its continuation at every rung. Every n-th request, not a random draw: cheap, and the load is spread evenly. Runs
 * on the model thread, which pays one forward per rung for a sampled request; a failed score is logged and
 * the record goes out without it.
 */
final class RequestSampling {
    private static final Logger LOG = LoggerFactory.getLogger(RequestSampling.class);

    private final int every;
    private final ShadowScorer scorer;
    private long finished;

    RequestSampling(int every, ShadowScorer scorer) {
        if (every < 1) {
            throw new IllegalArgumentException("sample one request in " + every + ": use >= 1");
        }
        this.every = every;
        this.scorer = scorer;
    }

    /** @return {@code record}, with the prompt and shadow score when this request is sampled */
    RequestRecord sample(Sequence s, RequestRecord record) {
        if (finished++ % every != 0) {
            return record;
        }
        return record.sampled(shadow(s, record), s.prompt.clone());
    }

    private RequestRecord.Shadow shadow(Sequence s, RequestRecord record) {
        if (record.rung() == null || record.generatedTokens() == 0) {
            return null; // nothing to compare: no ladder, or no continuation
        }
        try {
            return scorer.score(s.version().elastic().rungModels(), record.rung(), s.prompt, s.completion());
        } catch (RuntimeException e) {
            LOG.warn("shadow score of request {} failed: {}", s.id, e.toString());
            return null;
        }
    }
}
