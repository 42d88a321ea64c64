package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Helpers shared by runtime tests: full-sequence logits of a model. */
public final class ModelFixture {
    private ModelFixture() {}

    /** @return (T, V) logits of every position of one sequence, without a cache */
    public static float[][] logits(Transformer model, NDManager parent, long[] tokens) {
        try (NDManager m = parent.newSubManager()) {
            NDArray input = m.create(tokens, new Shape(1, tokens.length));
            float[] flat = model.logits(model.hidden(input, new CausalContext(m, tokens.length))).toFloatArray();
            int v = flat.length / tokens.length;
            float[][] rows = new float[tokens.length][];
            for (int i = 0; i < tokens.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
            }
            return rows;
        }
    }

    public static float maxAbsDiff(float[][] a, float[][] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
