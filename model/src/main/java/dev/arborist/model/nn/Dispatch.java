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
    private final boolean[] realToken;
    private final int k;

    private Dispatch(int[] start, int[] count, long[] tokenOfSlot, long[] slotOfPair, boolean[] realToken, int k) {
        this.start = start;
        this.count = count;
        this.tokenOfSlot = tokenOfSlot;
        this.slotOfPair = slotOfPair;
        this.realToken = realToken;
        this.k = k;
    }

    /**
     * @param chosen (N*k) expert per pair
     * @param validRows real token rows, or null when all N are real
     */
    static Dispatch of(long[] chosen, int experts, int k, long[] validRows, int tokens) {
        boolean[] real = new boolean[tokens];
        if (validRows == null) {
            Arrays.fill(real, true);
        } else {
            for (long r : validRows) {
                real[(int) r] = true;
            }
        }
        int[] count = new int[experts];
        for (int p = 0; p < chosen.length; p++) {
            if (real[p / k]) {
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
            if (real[p / k]) {
                int slot = next[(int) chosen[p]]++;
                tokenOfSlot[slot] = p / k;
                slotOfPair[p] = slot;
            } else {
                slotOfPair[p] = total; // the zero row
            }
        }
        return new Dispatch(start, count, tokenOfSlot, slotOfPair, real, k);
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

    /** Keeps the entries of real tokens, k per token. */
    long[] realPairs(long[] perPair) {
        long[] out = new long[pairs()];
        int o = 0;
        for (int p = 0; p < perPair.length; p++) {
            if (realToken[p / k]) {
                out[o++] = perPair[p];
            }
        }
        return out;
    }

    float[] realPairs(float[] perPair) {
        float[] out = new float[pairs()];
        int o = 0;
        for (int p = 0; p < perPair.length; p++) {
            if (realToken[p / k]) {
                out[o++] = perPair[p];
            }
        }
        return out;
    }
}
