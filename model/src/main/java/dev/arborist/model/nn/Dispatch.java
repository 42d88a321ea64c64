package dev.arborist.model.nn;

import java.util.Arrays;

/**
 * Where each (token, choice) pair of a top-k routing goes: pairs are sorted by expert so every
 * expert reads one contiguous block of rows. Pairs of padding tokens are left out and read a
 * zero row placed after the last expert's block.
 */
final class Dispatch {
    private final int[] start;
    private final int[] count;
    private final long[] tokenOfSlot; // (P) the token feeding each expert row
    private final long[] slotOfPair; // (N*k) the expert row holding each pair's output
    private final boolean[] active;

    private Dispatch(int[] start, int[] count, long[] tokenOfSlot, long[] slotOfPair, boolean[] active) {
        this.start = start;
        this.count = count;
        this.tokenOfSlot = tokenOfSlot;
        this.slotOfPair = slotOfPair;
        this.active = active;
    }

    /** Marks the pairs of real tokens: padding rows route nowhere. @param validRows null when all are real */
    static boolean[] realPairs(long[] validRows, int tokens, int k) {
        boolean[] active = new boolean[tokens * k];
        if (validRows == null) {
            Arrays.fill(active, true);
        } else {
            for (long r : validRows) {
                Arrays.fill(active, (int) r * k, (int) r * k + k, true);
            }
        }
        return active;
    }

    /**
     * @param chosen (N*k) expert per pair
     * @param k experts per token
     * @param active (N*k) whether the pair runs (false: padding or a skipped expert)
     */
    static Dispatch of(long[] chosen, int experts, int k, boolean[] active) {
        int[] count = new int[experts];
        for (int p = 0; p < chosen.length; p++) {
            if (active[p]) {
                count[(int) chosen[p]]++;
            }
        }
        int[] start = new int[experts];
        for (int e = 1; e < experts; e++) {
            start[e] = start[e - 1] + count[e - 1];
        }
        int total = start[experts - 1] + count[experts - 1];
        int[] next = start.clone();
        long[] tokenOfSlot = new long[total];
        long[] slotOfPair = new long[chosen.length];
        for (int p = 0; p < chosen.length; p++) {
            if (active[p]) {
                int slot = next[(int) chosen[p]]++;
                tokenOfSlot[slot] = p / k;
                slotOfPair[p] = slot;
            } else {
                slotOfPair[p] = total; // the zero row
            }
        }
        return new Dispatch(start, count, tokenOfSlot, slotOfPair, active);
    }

    int start(int expert) {
        return start[expert];
    }

    int count(int expert) {
        return count[expert];
    }

    int pairs() {
        return tokenOfSlot.length;
    }

    long[] tokenOfSlot() {
        return tokenOfSlot;
    }

    long[] slotOfPair() {
        return slotOfPair;
    }

    /** Keeps the entries of pairs that run. */
    long[] realPairs(long[] perPair) {
        long[] out = new long[pairs()];
        int o = 0;
        for (int p = 0; p < perPair.length; p++) {
            if (active[p]) {
                out[o++] = perPair[p];
            }
        }
        return out;
    }

    float[] realPairs(float[] perPair) {
        float[] out = new float[pairs()];
        int o = 0;
        for (int p = 0; p < perPair.length; p++) {
            if (active[p]) {
                out[o++] = perPair[p];
            }
        }
        return out;
    }
}
