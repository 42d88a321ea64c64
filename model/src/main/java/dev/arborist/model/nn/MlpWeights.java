package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * SwiGLU feed-forward weights (a dense MLP or one MoE expert), HF layout (out, in).
 *
 * @param gate (f, d) — Mixtral's w1
 * @param up (f, d) — Mixtral's w3
 * @param down (d, f) — Mixtral's w2
 */
public record MlpWeights(NDArray gate, NDArray up, NDArray down) {

    public int width() {
        return (int) gate.getShape().get(0);
    }
}
