package dev.arborist.model.gen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.CachedContext;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;

/**
 * One forward step over any set of cached sequences: rows may be prefilling a prompt or decoding a
 * single token. This is the primitive both offline generation and the serving scheduler use.
 */
public final class BatchDecoder {
    private final NDManager manager;

    public BatchDecoder(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Appends {@code tokens[i]} to the sequence in {@code slots[i]} and returns the next-token
     * logits of every row.
     */
    public float[][] step(Transformer model, KvCache cache, int[] slots, int[][] tokens, Instrumentation observer) {
        int t = 0;
        int[] lengths = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            lengths[i] = tokens[i].length;
            t = Math.max(t, lengths[i]);
        }
        long[] padded = new long[slots.length * t];
        for (int i = 0; i < slots.length; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                padded[i * t + j] = tokens[i][j];
            }
        }
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            CachedContext ctx = new CachedContext(scratch, cache, slots, lengths);
            ctx.instrument(observer);
            NDArray logits = model.nextTokenLogits(scratch.create(padded, new Shape(slots.length, t)), ctx);
            float[] flat = logits.toFloatArray();
            ctx.commit();
            int vocab = (int) logits.getShape().get(1);
            float[][] rows = new float[slots.length][];
            for (int i = 0; i < slots.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
            }
            return rows;
        }
    }
}
