package dev.arborist.policies.control;

import java.util.Map;

/**
 * One finished request as the per-input policy learner sees it.
 *
 * @param sloClass the request's SLO class, or null
 * @param lengthBucket {@link PolicyTable#lengthBucket} of its prompt, or null
 * @param signature the cluster of its prompt's expert usage, or null
 * @param rung the rung it ran at
 * @param shadowDrops for a shadowed request, per scored rung: dense minus that rung's mean per-token
 *     log-likelihood of the generated continuation, in nats (positive: the rung liked it less), i.e.
 *     what that rung costs this input whichever rung it ran at; empty when not shadowed
 * @param e2eSeconds its end-to-end latency
 */
public record RequestOutcome(String sloClass, String lengthBucket, Integer signature, int rung, Map<Integer, Double> shadowDrops,
                             double e2eSeconds) {

    public RequestOutcome {
        if (rung < 0) {
            throw new IllegalArgumentException("rung must be non-negative, got " + rung);
        }
        shadowDrops = shadowDrops == null ? Map.of() : Map.copyOf(shadowDrops);
        shadowDrops.forEach((r, drop) -> {
            if (r < 0 || !Double.isFinite(drop)) {
                throw new IllegalArgumentException("shadow drops need rungs >= 0 and finite values, got rung " + r + ": " + drop);
            }
        });
        if (!(e2eSeconds >= 0 && Double.isFinite(e2eSeconds))) {
            throw new IllegalArgumentException("e2e seconds must be a non-negative number, got " + e2eSeconds);
        }
    }

    /**
     * Drops from mean per-token log-likelihoods of one continuation under every rung (index = rung,
     * 0: dense), as the shadow score reports them.
     */
    public static Map<Integer, Double> dropsFrom(double[] rungLogLikelihoods) {
        Map<Integer, Double> drops = new java.util.HashMap<>();
        for (int r = 1; r < rungLogLikelihoods.length; r++) {
            drops.put(r, rungLogLikelihoods[0] - rungLogLikelihoods[r]);
        }
        return drops;
    }

    public PolicyTable.Features features() {
        return new PolicyTable.Features(sloClass, lengthBucket, signature);
    }
}
