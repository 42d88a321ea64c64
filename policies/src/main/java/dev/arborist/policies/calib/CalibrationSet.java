package dev.arborist.policies.calib;

import java.util.Arrays;

/**
 * Calibration token windows, all of one length: e.g. 64 windows of 128 tokens cut from a text
 * file (as in the Wanda and SparseGPT reference setups, which use 128 x 2048 tokens of C4).
 *
 * @param windows (count, length) token ids
 */
public record CalibrationSet(int[][] windows) {

    public CalibrationSet {
        if (windows.length == 0) {
            throw new IllegalArgumentException("calibration set is empty");
        }
        int len = windows[0].length;
        for (int[] w : windows) {
            if (w.length != len) {
                throw new IllegalArgumentException("calibration windows must have equal length");
            }
        }
    }

    /** Cuts up to {@code count} consecutive windows of {@code length} tokens from a token stream. */
    public static CalibrationSet fromTokens(int[] tokens, int count, int length) {
        int n = Math.min(count, tokens.length / length);
        if (n < 1) {
            throw new IllegalArgumentException("calibration text has " + tokens.length + " tokens; need at least " + length);
        }
        int[][] w = new int[n][];
        for (int i = 0; i < n; i++) {
            w[i] = Arrays.copyOfRange(tokens, i * length, (i + 1) * length);
        }
        return new CalibrationSet(w);
    }

    public int count() {
        return windows.length;
    }

    public int length() {
        return windows[0].length;
    }
}
