package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A sparse mixture-of-experts block.
 *
 * @param router (E, d) gate logits per expert
 * @param experts E SwiGLU experts
 * @param topK experts chosen per token
 */
public record MoeWeights(NDArray router, List<MlpWeights> experts, int topK) {

    public MoeWeights {
        experts = List.copyOf(experts);
    }

    public int numExperts() {
        return experts.size();
    }
}
