package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.policies.plan.Mask;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.TensorUpdate;
import java.util.BitSet;

/**
 * SparseGPT (Frantar &amp; Alistarh 2023, "Massive Language Models Can Be Accurately Pruned in
 * One-Shot", Algorithm 1): prunes column by column and moves each pruned weight's error onto the
 * columns not yet visited, through the Cholesky factor of H^-1. Columns go in blocks of 128: inside
 * a block the updates are rank-1 loops in Java, the rest of the matrix gets one lazy batched
 * matmul per block. The mask is chosen adaptively by w^2 / [H^-1]_jj^2 from the already updated
 * weights: once per block, or once per group for N:M.
 */
public final class SparseGpt implements LayerPruner {
    /** Columns per lazy batch update (the reference's blocksize). */
    static final int BLOCK = 128;

    private final int blockSize;

    public SparseGpt() {
        this(BLOCK);
    }

    /** @param blockSize columns per lazy batch update; the result only depends on it through per-block mask choice */
    SparseGpt(int blockSize) {
        this.blockSize = blockSize;
    }

    @Override
    public InputStatistic needs() {
        return InputStatistic.HESSIAN;
    }

    @Override
    public PlanEntry prune(PrunableWeight weight, SiteInputs inputs, double sparsity, SparsityPattern pattern) {
        int rows = weight.rows();
        int cols = weight.cols();
        float[] w = weight.values(); // (out, in), updated in place
        HessianInverse u = inputs.hessianInverse(cols);
        zeroDeadColumns(w, rows, cols, u);
        BitSet pruned = new BitSet(rows * cols);
        int block = blockWidth(pattern, blockSize);
        for (int i1 = 0; i1 < cols; i1 += block) {
            int i2 = Math.min(i1 + block, cols);
            float[] err = pruneBlock(w, new Span(rows, cols, i1, i2), u, pruned, sparsity, pattern);
            if (i2 < cols) {
                lazyUpdate(weight.weight().getManager(), w, new Span(rows, cols, i1, i2), err, u);
            }
        }
        return TensorUpdate.of(weight.name(), new Mask(rows, cols, pruned), w);
    }

    /** Columns [from, to) of a (rows, cols) matrix. */
    private record Span(int rows, int cols, int from, int to) {
        int width() {
            return to - from;
        }
    }

    /** The largest multiple of the pattern's column granularity not above the block size (or the granularity itself). */
    static int blockWidth(SparsityPattern pattern, int blockSize) {
        int g = pattern.columnGranularity();
        return g >= blockSize ? g : blockSize - blockSize % g;
    }

    /** Prunes one column block; returns its errors (rows, width) divided by the pivots, for the lazy update. */
    private static float[] pruneBlock(float[] w, Span s, HessianInverse u, BitSet pruned, double sparsity, SparsityPattern pattern) {
        int width = s.width();
        double[] w1 = new double[s.rows() * width]; // (rows, width) this block, updated column by column
        for (int r = 0; r < s.rows(); r++) {
            for (int i = 0; i < width; i++) {
                w1[r * width + i] = w[r * s.cols() + s.from() + i];
            }
        }
        float[] err = new float[s.rows() * width];
        int window = pattern.maskWindow(width);
        for (int i = 0; i < width; i++) {
            if (i % window == 0) {
                select(w1, s, i, Math.min(window, width - i), u, pruned, sparsity, pattern);
            }
            int col = s.from() + i;
            double pivot = u.get(col, col);
            for (int r = 0; r < s.rows(); r++) {
                double value = w1[r * width + i];
                double q = pruned.get(r * s.cols() + col) ? 0 : value;
                double e = (value - q) / pivot;
                err[r * width + i] = (float) e;
                w1[r * width + i] = q;
                if (e != 0) { // W1[r, i+1:] -= e * U[col, col+1:]: the OBS update of the columns still ahead
                    for (int j = i + 1; j < width; j++) {
                        w1[r * width + j] -= e * u.get(col, s.from() + j);
                    }
                }
            }
        }
        for (int r = 0; r < s.rows(); r++) {
            for (int i = 0; i < width; i++) {
                w[r * s.cols() + s.from() + i] = (float) w1[r * width + i];
            }
        }
        return err;
    }

    /** Chooses the mask of columns [i, i + count) of the block from the current weights. */
    private static void select(double[] w1, Span s, int i, int count, HessianInverse u, BitSet pruned, double sparsity,
                               SparsityPattern pattern) {
        int width = s.width();
        float[] scores = new float[s.rows() * count]; // w^2 / U_jj^2, as the reference: U_jj^2 is [H^-1]_jj over the columns left
        for (int j = 0; j < count; j++) {
            double d = u.get(s.from() + i + j, s.from() + i + j);
            for (int r = 0; r < s.rows(); r++) {
                double v = w1[r * width + i + j];
                scores[r * count + j] = (float) (v * v / (d * d));
            }
        }
        Mask m = pattern.select(new Scores(s.rows(), count, scores), sparsity, Comparison.PER_MATRIX);
        for (int r = 0; r < s.rows(); r++) {
            for (int j = 0; j < count; j++) {
                if (m.isPruned(r, j)) {
                    pruned.set(r * s.cols() + s.from() + i + j);
                }
            }
        }
    }

    /** W[:, to:] -= Err (rows, width) @ U[from:to, to:] (width, cols - to), one matmul per block. */
    private static void lazyUpdate(NDManager parent, float[] w, Span s, float[] err, HessianInverse u) {
        int rest = s.cols() - s.to();
        try (NDManager m = parent.newSubManager()) {
            NDArray e = m.create(err, new Shape(s.rows(), s.width()));
            NDArray h = m.create(u.block(s.from(), s.to(), s.to()), new Shape(s.width(), rest));
            float[] delta = e.matMul(h).toFloatArray(); // (rows, rest)
            for (int r = 0; r < s.rows(); r++) {
                for (int j = 0; j < rest; j++) {
                    w[r * s.cols() + s.to() + j] -= delta[r * rest + j];
                }
            }
        }
    }

    private static void zeroDeadColumns(float[] w, int rows, int cols, HessianInverse u) {
        for (int c = 0; c < cols; c++) {
            if (u.dead(c)) {
                for (int r = 0; r < rows; r++) {
                    w[r * cols + c] = 0;
                }
            }
        }
    }
}
