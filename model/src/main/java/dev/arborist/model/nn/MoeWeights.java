package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A sparse mixture-of-experts block.
 *
 * @param router (E, d) gate logits per expert
 * @param experts E SwiGLU experts
 * @param topK experts chosen per token
 * @param skipBeta dynamic skipping (NAEE, Lu et al. 2024): a chosen expert other than the first is
 *     dropped for a token when its gate is below skipBeta times the first one's; 0 never skips
 */
public record MoeWeights(NDArray router, List<MlpWeights> experts, int topK, double skipBeta) {

    public MoeWeights {
        experts = List.copyOf(experts);
        if (skipBeta < 0 || skipBeta > 1) {
            throw new IllegalArgumentException("skip beta must be in [0, 1], got " + skipBeta);
        }
    }

    public MoeWeights(NDArray router, List<MlpWeights> experts, int topK) {
        this(router, experts, topK, 0.0);
    }

    public MoeWeights withSkipBeta(double beta) {
        return new MoeWeights(router, experts, topK, beta);
    }

    public int numExperts() {
        return experts.size();
    }
}
