package dev.arborist.policies.unstructured;

import java.util.Arrays;

/** Finds the k lowest of a run of scores, ties broken by position, in O(n log n) over primitives. */
final class Lowest {
    private Lowest() {}

    /** @return the offsets in [0, count) of the k lowest of values[from .. from + count) */
    static int[] of(float[] values, int from, int count, int k) {
        if (k <= 0) {
            return new int[0];
        }
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = ((long) sortable(values[from + i]) << 32) | i; // score in the high bits, position breaks ties
        }
        Arrays.sort(keys);
        int[] out = new int[Math.min(k, count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }

    /** How many of n units a sparsity removes; the epsilon keeps 0.29 * 100 at 29. */
    static int count(int n, double sparsity) {
        return (int) Math.floor(n * sparsity + 1e-9);
    }

    /** Maps a float to an int with the same order (negative values included), as a signed comparison sees it. */
    private static int sortable(float v) {
        int bits = Float.floatToIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
