package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * All weights of a decoder-only transformer.
 *
 * @param embed (V, d) token embeddings
 * @param finalNorm (d)
 * @param lmHead (V, d); the same array as {@code embed} when tied
 */
public record ModelWeights(NDArray embed, List<LayerWeights> layers, NDArray finalNorm, NDArray lmHead) {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    public ModelWeights withLayers(List<LayerWeights> newLayers) {
        return new ModelWeights(embed, newLayers, finalNorm, lmHead);
    }
}
