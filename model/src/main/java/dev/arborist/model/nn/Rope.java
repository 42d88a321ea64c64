package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding (Su et al. 2021) in the Hugging Face "rotate half" layout: dimension
 * i is paired with i + hs/2.
 */
final class Rope {
    private final NDArray cos; // (maxPos, hs)
    private final NDArray sin; // (maxPos, hs)
    private final int half;

    Rope(NDManager manager, int headDim, int maxPositions, double theta) {
        this.half = headDim / 2;
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(theta, -2.0 * i / headDim);
                c[p * headDim + i] = c[p * headDim + i + half] = (float) Math.cos(angle);
                s[p * headDim + i] = s[p * headDim + i + half] = (float) Math.sin(angle);
            }
        }
        this.cos = manager.create(c, new Shape(maxPositions, headDim));
        this.sin = manager.create(s, new Shape(maxPositions, headDim));
    }

    /** @param x (B, h, T, hs) @param positions (B or 1, T) int64 */
    NDArray apply(NDArray x, NDArray positions) {
        Shape ps = positions.getShape();
        NDIndex byPosition = new NDIndex("{}", positions.flatten());
        Shape table = new Shape(ps.get(0), 1, ps.get(1), -1);
        NDArray c = cos.get(byPosition).reshape(table); // (B, 1, T, hs)
        NDArray s = sin.get(byPosition).reshape(table);
        NDArray x1 = x.get(new NDIndex().addEllipseDim().addSliceDim(0, half));
        NDArray x2 = x.get(new NDIndex().addEllipseDim().addSliceDim(half, 2L * half));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(c).add(rotated.mul(s));
    }
}
