package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Full sequences of equal length without a cache: training, perplexity and calibration. Every
 * row of the batch starts at position 0 and every token is real.
 */
public final class CausalContext extends ForwardContext {
    private final NDArray positions;
    private final NDArray mask;

    public CausalContext(NDManager manager, int length) {
        this.positions = manager.arange(0, length, 1, DataType.INT64).reshape(1, length);
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                m[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        this.mask = manager.create(m, new Shape(1, 1, length, length));
    }

    @Override
    public NDArray positions() {
        return positions;
    }

    @Override
    public NDArray mask() {
        return mask;
    }

    @Override
    public NDList keysValues(int layer, NDArray k, NDArray v) {
        return new NDList(k, v);
    }

    @Override
    public long[] validRows() {
        return null;
    }
}
