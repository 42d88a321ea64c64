package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.Mask;
import java.util.BitSet;
import java.util.OptionalDouble;

/**
 * N:M semi-structured sparsity (Mishra et al. 2021, "Accelerating Sparse Deep Neural Networks"):
 * exactly n zeros in every group of m consecutive input weights of a row, the n lowest scores.
 */
public record NofM(int n, int m) implements SparsityPattern {

    public NofM {
        if (n < 1 || m < 2 || n >= m) {
            throw new IllegalArgumentException("an N:M pattern needs 0 < N < M, got " + n + ":" + m);
        }
    }

    @Override
    public void requireFits(String tensor, int rows, int cols) {
        if (cols % m != 0) {
            throw new IllegalArgumentException("pattern " + this + " does not fit " + tensor + ": its width " + cols
                    + " is not a multiple of " + m);
        }
    }

    @Override
    public OptionalDouble fixedSparsity() {
        return OptionalDouble.of(n / (double) m);
    }

    @Override
    public int columnGranularity() {
        return m;
    }

    @Override
    public int maskWindow(int available) {
        return m;
    }

    /** Groups are always compared within themselves; sparsity and comparison do not apply. */
    @Override
    public Mask select(Scores s, double sparsity, Comparison comparison) {
        requireFits("a score matrix", s.rows(), s.cols());
        BitSet pruned = new BitSet(s.values().length);
        for (int start = 0; start < s.values().length; start += m) { // rows are whole groups, so groups never straddle rows
            for (int c : Lowest.of(s.values(), start, m, n)) {
                pruned.set(start + c);
            }
        }
        return new Mask(s.rows(), s.cols(), pruned);
    }

    @Override
    public String toString() {
        return n + ":" + m;
    }
}
