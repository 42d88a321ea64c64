package dev.arborist.serving;

import dev.arborist.model.nn.Level;

/**
 * What one finished request did.
 *
 * @param outcome how it ended
 * @param promptTokens tokens in the prompt
 * @param generatedTokens tokens sent back
 * @param queuedNanos from submission to the first step that included it
 * @param firstTokenNanos from submission to the first token; -1 if there was none
 * @param totalNanos from submission to the end
 * @param sloClass the SLO class the request carried, or null
 * @param planId the plan it ran on; null for the dense base model
 * @param rung the ladder rung of its last step (the rung it finished at); null for a version without a ladder
 * @param level that rung's level; null for a version without a ladder
 * @param baseRung the base rung the agent had set when it finished (its own rung may be sparser,
 *     by the per-input policy table); null for a version without a ladder
 * @param lengthBucket its prompt's length bucket (see {@code PolicyTable.lengthBucket}); null if it never reached the model
 * @param signature its prompt's {@link PromptSignature}; null for models without a router in layer 0
 * @param shadow the dense-vs-level comparison of its continuation; null unless sampled on an elastic version
 * @param promptTokenIds its prompt's tokens; null unless sampled
 */
public record RequestRecord(
        String requestId, String model, Outcome outcome, int promptTokens, int generatedTokens,
        long queuedNanos, long firstTokenNanos, long totalNanos, String sloClass,
        String planId, Integer rung, Level level, Integer baseRung, String lengthBucket, Integer signature, Shadow shadow,
        int[] promptTokenIds) {

    /** How a request ended; {@code label()} is the {@code status} label of arborist_requests_total. */
    public enum Outcome {
        STOP, LENGTH, CANCELLED, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Mean per-token log-likelihood of the generated continuation under every rung of the version's
     * ladder and each rung's mean divergence from the full model at its positions (index = rung, 0 the
     * full model; see {@link ShadowScorer}), and the rung it ran at.
     */
    public record Shadow(int tokens, int rung, double[] rungLogLikelihoods, double[] rungDivergences) {
        public double levelLogLikelihood() {
            return rungLogLikelihoods[rung];
        }

        public double denseLogLikelihood() {
            return rungLogLikelihoods[0];
        }
    }

    /** The same record with a sampled request's shadow score (null when none) and prompt tokens. */
    RequestRecord sampled(Shadow newShadow, int[] prompt) {
        return new RequestRecord(requestId, model, outcome, promptTokens, generatedTokens, queuedNanos, firstTokenNanos, totalNanos,
                sloClass, planId, rung, level, baseRung, lengthBucket, signature, newShadow, prompt);
    }
}
