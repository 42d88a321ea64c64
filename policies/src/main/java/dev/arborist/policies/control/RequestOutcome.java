package dev.arborist.policies.control;

/**
 * One finished request as the per-input policy learner sees it.
 *
 * @param sloClass the request's SLO class, or null
 * @param lengthBucket {@link PolicyTable#lengthBucket} of its prompt, or null
 * @param signature the cluster of its prompt's expert usage, or null
 * @param rung the rung it ran at
 * @param shadowLogLikelihoodDrop dense minus level mean per-token log-likelihood of the generated
 *     continuation, in nats (positive: the level liked it less); null when the request was not shadowed
 * @param e2eSeconds its end-to-end latency
 */
public record RequestOutcome(String sloClass, String lengthBucket, Integer signature, int rung, Double shadowLogLikelihoodDrop,
                             double e2eSeconds) {

    public RequestOutcome {
        if (rung < 0) {
            throw new IllegalArgumentException("rung must be non-negative, got " + rung);
        }
        if (shadowLogLikelihoodDrop != null && !Double.isFinite(shadowLogLikelihoodDrop)) {
            throw new IllegalArgumentException("shadow log-likelihood drop must be finite, got " + shadowLogLikelihoodDrop);
        }
        if (!(e2eSeconds >= 0 && Double.isFinite(e2eSeconds))) {
            throw new IllegalArgumentException("e2e seconds must be a non-negative number, got " + e2eSeconds);
        }
    }

    public PolicyTable.Features features() {
        return new PolicyTable.Features(sloClass, lengthBucket, signature);
    }
}
