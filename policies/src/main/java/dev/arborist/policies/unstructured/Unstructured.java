package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.Mask;
import java.util.BitSet;
import java.util.OptionalDouble;

/** Any weight may be pruned. */
public record Unstructured() implements SparsityPattern {
    static final String NAME = "unstructured";

    @Override
    public void requireFits(String tensor, int rows, int cols) {}

    @Override
    public OptionalDouble fixedSparsity() {
        return OptionalDouble.empty();
    }

    @Override
    public int columnGranularity() {
        return 1;
    }

    @Override
    public int maskWindow(int available) {
        return available;
    }

    @Override
    public Mask select(Scores s, double sparsity, Comparison comparison) {
        BitSet pruned = new BitSet(s.values().length);
        if (comparison == Comparison.PER_ROW) {
            int k = Lowest.count(s.cols(), sparsity);
            for (int r = 0; r < s.rows(); r++) {
                for (int c : Lowest.of(s.values(), r * s.cols(), s.cols(), k)) {
                    pruned.set(r * s.cols() + c);
                }
            }
        } else {
            for (int i : Lowest.of(s.values(), 0, s.values().length, Lowest.count(s.values().length, sparsity))) {
                pruned.set(i);
            }
        }
        return new Mask(s.rows(), s.cols(), pruned);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
