package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Weights of one self-attention block, HF layout (out, in). Biases are null except for Qwen2.
 *
 * @param q (nh*hs, d)
 * @param k (nkv*hs, d)
 * @param v (nkv*hs, d)
 * @param o (d, nh*hs)
 */
public record AttentionWeights(NDArray q, NDArray k, NDArray v, NDArray o, NDArray qBias, NDArray kBias, NDArray vBias) {

    public int numHeads(int headDim) {
        return (int) (q.getShape().get(0) / headDim);
    }

    public int numKvHeads(int headDim) {
        return (int) (k.getShape().get(0) / headDim);
    }
}
