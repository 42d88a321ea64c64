package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.runtime.Engines;
import dev.arborist.policies.plan.Mask;
import dev.arborist.policies.plan.TensorMask;
import dev.arborist.policies.plan.TensorUpdate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SparseGptTest {
    private static final SiteKey SITE = new SiteKey(0, LinearSite.ATTN_QKV, -1);
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return v;
    }

    /** (n, d) activations from 8 latent factors plus a little noise, with uneven channel scales: strongly correlated. */
    private static float[] correlated(int n, int d, long seed) {
        float[] z = gaussian(n * 8, seed);
        float[] a = gaussian(8 * d, seed + 1);
        float[] noise = gaussian(n * d, seed + 2);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0.1 * noise[i * d + j];
                for (int k = 0; k < 8; k++) {
                    s += z[i * 8 + k] * a[k * d + j];
                }
                x[i * d + j] = (float) (s * (1 + j % 5));
            }
        }
        return x;
    }

    private static SiteInputs observe(float[] x, int n, int d) {
        try (ActivationStatistics stats = new ActivationStatistics(0, true, manager)) {
            stats.linearInput(SITE.layer(), SITE.site(), SITE.expert(), manager.create(x, new Shape(n, d)));
            return SiteInputs.of(stats, SITE);
        }
    }

    private static PrunableWeight weight(float[] w, int rows, int cols) {
        return new PrunableWeight("w", SITE, manager.create(w, new Shape(rows, cols)));
    }

    /** ||X W^T - X W'^T||_F. */
    private static double reconstructionError(float[] x, int n, float[] w, float[] pruned, int rows, int d) {
        NDArray xs = manager.create(x, new Shape(n, d));
        NDArray diff = manager.create(w, new Shape(rows, d)).sub(manager.create(pruned, new Shape(rows, d)));
        return xs.matMul(diff.transpose()).norm().getFloat();
    }

    private static float[] masked(float[] w, Mask m) {
        float[] out = w.clone();
        for (int i = 0; i < out.length; i++) {
            if (m.isPruned(i)) {
                out[i] = 0;
            }
        }
        return out;
    }

    @Test
    @DisplayName("with a diagonal Hessian SparseGPT compensates nothing: the kept weights keep their values")
    void diagonalHessianMakesNoUpdate() {
        int d = 160; // more than one block of 128 columns, so the lazy update runs too
        float[] x = new float[d * d]; // X = diag(s): H = X^T X = diag(s^2)
        for (int j = 0; j < d; j++) {
            x[j * d + j] = 0.5f + j % 7;
        }
        float[] w = gaussian(12 * d, 5);
        TensorUpdate u = (TensorUpdate) new SparseGpt().prune(weight(w, 12, d), observe(x, d, d), 0.5, new Unstructured());
        float[] after = u.dense();
        assertThat(u.mask().prunedCount()).isEqualTo(12 * 128 / 2 + 12 * 32 / 2);
        for (int i = 0; i < w.length; i++) {
            assertThat(after[i]).isEqualTo(u.mask().isPruned(i) ? 0f : w[i]);
        }
    }

    @Test
    @DisplayName("SparseGPT reconstructs a layer's output on correlated inputs far better than Wanda at 50%")
    void beatsWandaOnReconstruction() {
        int n = 1024;
        int d = 192;
        int rows = 24;
        float[] x = correlated(n, d, 7);
        float[] w = gaussian(rows * d, 9);
        SiteInputs inputs = observe(x, n, d);
        TensorUpdate sparse = (TensorUpdate) new SparseGpt().prune(weight(w, rows, d), inputs, 0.5, new Unstructured());
        TensorMask wanda = (TensorMask) new ScoreMasking(new Wanda()).prune(weight(w, rows, d), inputs, 0.5, new Unstructured());
        double sparseError = reconstructionError(x, n, w, sparse.dense(), rows, d);
        double wandaError = reconstructionError(x, n, w, masked(w, wanda.mask()), rows, d);
        System.out.printf("reconstruction error at 50%%: SparseGPT %.3f, Wanda %.3f%n", sparseError, wandaError);
        assertThat(sparse.mask().sparsity()).isEqualTo(0.5);
        assertThat(sparseError).isLessThan(0.5 * wandaError);
    }

    @Test
    @DisplayName("SparseGPT with 2:4 leaves exactly 2 zeros per group, whatever the lazy-update block size")
    void nOfMAndBlockSizes() {
        int n = 512;
        int d = 256;
        float[] x = correlated(n, d, 11);
        float[] w = gaussian(8 * d, 13);
        SiteInputs inputs = observe(x, n, d);
        TensorUpdate small = (TensorUpdate) new SparseGpt(64).prune(weight(w, 8, d), inputs, 0.5, new NofM(2, 4));
        TensorUpdate whole = (TensorUpdate) new SparseGpt(256).prune(weight(w, 8, d), inputs, 0.5, new NofM(2, 4));
        for (int r = 0; r < 8; r++) {
            for (int g = 0; g < d; g += 4) {
                int zeros = 0;
                for (int c = g; c < g + 4; c++) {
                    zeros += small.mask().isPruned(r, c) ? 1 : 0;
                }
                assertThat(zeros).isEqualTo(2);
            }
        }
        // N:M masks are chosen group by group, so lazy batching must not change the result beyond rounding.
        assertThat(small.mask()).isEqualTo(whole.mask());
        float[] a = small.dense();
        float[] b = whole.dense();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.api.Assertions.within(1e-3f * (1 + Math.abs(b[i]))));
        }
    }

    @Test
    @DisplayName("SparseGPT with 1x8 blocks zeroes whole blocks")
    void blocks() {
        int d = 64;
        float[] x = correlated(256, d, 17);
        float[] w = gaussian(4 * d, 19);
        TensorUpdate u = (TensorUpdate) new SparseGpt().prune(weight(w, 4, d), observe(x, 256, d), 0.5, new Block(1, 8));
        assertThat(u.mask().sparsity()).isEqualTo(0.5);
        for (int r = 0; r < 4; r++) {
            for (int b = 0; b < d; b += 8) {
                for (int c = b; c < b + 8; c++) {
                    assertThat(u.mask().isPruned(r, c)).isEqualTo(u.mask().isPruned(r, b));
                }
            }
        }
    }
}
