package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.Mask;
import java.util.BitSet;
import java.util.OptionalDouble;

/**
 * Block sparsity: whole rows x cols tiles are pruned, scored by the sum of their weights' scores
 * (e.g. 1x16 runs of an output row, as block-sparse kernels want).
 */
public record Block(int rows, int cols) implements SparsityPattern {

    public Block {
        if (rows < 1 || cols < 1 || rows * cols < 2) {
            throw new IllegalArgumentException("a block pattern needs rows, cols >= 1 and at least 2 weights, got " + rows + "x" + cols);
        }
    }

    @Override
    public void requireFits(String tensor, int height, int width) {
        if (width % cols != 0) {
            throw new IllegalArgumentException("pattern " + this + " does not fit " + tensor + ": its width " + width
                    + " is not a multiple of " + cols);
        }
        if (height % rows != 0) {
            throw new IllegalArgumentException("pattern " + this + " does not fit " + tensor + ": its height " + height
                    + " is not a multiple of " + rows);
        }
    }

    @Override
    public OptionalDouble fixedSparsity() {
        return OptionalDouble.empty();
    }

    @Override
    public int columnGranularity() {
        return cols;
    }

    @Override
    public int maskWindow(int available) {
        return available;
    }

    /** PER_ROW compares the blocks of one block row. */
    @Override
    public Mask select(Scores s, double sparsity, Comparison comparison) {
        requireFits("a score matrix", s.rows(), s.cols());
        Mask blocks = new Unstructured().select(blockScores(s), sparsity, comparison);
        BitSet pruned = new BitSet(s.values().length);
        for (int r = 0; r < s.rows(); r++) {
            for (int c = 0; c < s.cols(); c++) {
                if (blocks.isPruned(r / rows, c / cols)) {
                    pruned.set(r * s.cols() + c);
                }
            }
        }
        return new Mask(s.rows(), s.cols(), pruned);
    }

    /** @return (rows / this.rows, cols / this.cols) sums of the scores in each block */
    private Scores blockScores(Scores s) {
        int br = s.rows() / rows;
        int bc = s.cols() / cols;
        float[] sums = new float[br * bc];
        for (int r = 0; r < s.rows(); r++) {
            for (int c = 0; c < s.cols(); c++) {
                sums[(r / rows) * bc + c / cols] += s.get(r, c);
            }
        }
        return new Scores(br, bc, sums);
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
