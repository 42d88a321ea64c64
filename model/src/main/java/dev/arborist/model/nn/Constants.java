package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Scalars used inside the forward pass, kept as persistent arrays: DJL frees the buffer of an
 * inline scalar ({@code x.mul(float)}) before backward runs, which yields random NaN gradients.
 */
record Constants(NDArray rmsEps, NDArray attentionScale) {

    static Constants of(NDManager manager, double rmsEps, int headDim) {
        return new Constants(
                manager.create((float) rmsEps),
                manager.create((float) (1.0 / Math.sqrt(headDim))));
    }
}
