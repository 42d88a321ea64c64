package dev.arborist.policies.control;

import java.util.Map;

/**
 * One finished request as the per-input policy learner sees it.
 *
 * @param sloClass the request's SLO class, or null
 * @param lengthBucket {@link PolicyTable#lengthBucket} of its prompt, or null
 * @param signature the cluster of its prompt's expert usage, or null
 * @param rung the rung it ran at
 * @param shadowCosts for a shadowed request, per scored rung: what that rung costs this input whichever
 *     rung it ran at, in nats per token: the rung's mean divergence from dense over the generated
 *     continuation's positions (the log-likelihood it loses on average on text dense would write there);
 *     empty when not shadowed
 * @param e2eSeconds its end-to-end latency
 */
public record RequestOutcome(String sloClass, String lengthBucket, Integer signature, int rung, Map<Integer, Double> shadowCosts,
                             double e2eSeconds) {

    public RequestOutcome {
        if (rung < 0) {
            throw new IllegalArgumentException("rung must be non-negative, got " + rung);
        }
        shadowCosts = shadowCosts == null ? Map.of() : Map.copyOf(shadowCosts);
        shadowCosts.forEach((r, cost) -> {
            if (r < 0 || !Double.isFinite(cost)) {
                throw new IllegalArgumentException("shadow costs need rungs >= 0 and finite values, got rung " + r + ": " + cost);
            }
        });
        if (!(e2eSeconds >= 0 && Double.isFinite(e2eSeconds))) {
            throw new IllegalArgumentException("e2e seconds must be a non-negative number, got " + e2eSeconds);
        }
    }

    /** Costs from the shadow score's per-rung divergences from dense (index = rung, 0: dense itself, left out). */
    public static Map<Integer, Double> costsFrom(double[] rungDivergences) {
        Map<Integer, Double> costs = new java.util.HashMap<>();
        for (int r = 1; r < rungDivergences.length; r++) {
            costs.put(r, rungDivergences[r]);
        }
        return costs;
    }

    public PolicyTable.Features features() {
        return new PolicyTable.Features(sloClass, lengthBucket, signature);
    }
}
