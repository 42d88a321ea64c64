package dev.arborist.policies.plan;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Which weights of one (rows, cols) matrix are pruned. Immutable. Stored compactly as the kept
 * bits, row-major, eight per byte, least significant bit first.
 */
public final class Mask {
    private final int rows;
    private final int cols;
    private final BitSet pruned;

    /** @param pruned bit r * cols + c set when weight (r, c) is pruned; copied */
    public Mask(int rows, int cols, BitSet pruned) {
        if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a mask needs 1 <= rows * cols < 2^31, got " + rows + " x " + cols);
        }
        if (pruned.length() > rows * cols) {
            throw new IllegalArgumentException("mask bit " + (pruned.length() - 1) + " lies outside " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.pruned = (BitSet) pruned.clone();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return rows * cols;
    }

    public boolean isPruned(int row, int col) {
        return pruned.get(row * cols + col);
    }

    public boolean isPruned(int index) {
        return pruned.get(index);
    }

    public int prunedCount() {
        return pruned.cardinality();
    }

    public int keptCount() {
        return size() - prunedCount();
    }

    /** Fraction of the matrix that is pruned. */
    public double sparsity() {
        return prunedCount() / (double) size();
    }

    /** @return (rows, cols) row-major, 1 where kept and 0 where pruned: multiply to apply */
    public float[] keepFactors() {
        float[] f = new float[size()];
        Arrays.fill(f, 1f);
        for (int i = pruned.nextSetBit(0); i >= 0; i = pruned.nextSetBit(i + 1)) {
            f[i] = 0f;
        }
        return f;
    }

    /** @return ceil(rows * cols / 8) bytes, bit i set when weight i (row-major) is kept */
    public byte[] packKept() {
        BitSet kept = (BitSet) pruned.clone();
        kept.flip(0, size());
        return Arrays.copyOf(kept.toByteArray(), (size() + 7) / 8);
    }

    /** Inverse of {@link #packKept()}. */
    public static Mask unpackKept(int rows, int cols, byte[] packed) {
        long size = (long) rows * cols;
        if (packed.length != (size + 7) / 8) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " mask packs into " + (size + 7) / 8
                    + " bytes, got " + packed.length);
        }
        BitSet pruned = BitSet.valueOf(packed);
        pruned.flip(0, (int) size);
        pruned.clear((int) size, packed.length * 8);
        return new Mask(rows, cols, pruned);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.rows == rows && m.cols == cols && m.pruned.equals(pruned);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + pruned.hashCode();
    }

    @Override
    public String toString() {
        return "Mask[" + rows + " x " + cols + ", sparsity " + String.format("%.4f", sparsity()) + "]";
    }
}
