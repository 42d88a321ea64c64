package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;

/** Root-mean-square layer norm (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * w. */
final class RmsNorm {
    private RmsNorm() {}

    /** @param x (..., d) @param weight (d) @param eps scalar array */
    static NDArray forward(NDArray x, NDArray weight, NDArray eps) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt(); // (..., 1)
        return x.div(rms).mul(weight);
    }
}
