package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer. Exactly one of {@code mlp} (dense) and {@code moe} is non-null.
 *
 * @param inputNorm (d) RMSNorm weight before attention
 * @param postNorm (d) RMSNorm weight before the feed-forward
 */
public record LayerWeights(NDArray inputNorm, AttentionWeights attention, NDArray postNorm, MlpWeights mlp, MoeWeights moe) {

    public LayerWeights {
        if ((mlp == null) == (moe == null)) {
            throw new IllegalArgumentException("a layer has either a dense MLP or a MoE block");
        }
    }

    public boolean isMoe() {
        return moe != null;
    }
}
