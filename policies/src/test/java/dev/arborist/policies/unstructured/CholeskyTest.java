package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CholeskyTest {

    /** B B^T + n I: symmetric positive definite and well conditioned. */
    private static double[] spd(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextDouble() - 0.5;
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s + (i == j ? n : 0);
            }
        }
        return a;
    }

    private static double[] product(double[] x, boolean transposeX, double[] y, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double xik = transposeX ? x[k * n + i] : x[i * n + k];
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += xik * y[k * n + j];
                }
            }
        }
        return out;
    }

    @Test
    @DisplayName("L L^T reproduces A and L^-1 L is the identity")
    void factorAndInverse() {
        int n = 60;
        double[] a = spd(n, 1);
        double[] l = Cholesky.lower(a, n);
        double[] lt = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                lt[j * n + i] = l[i * n + j];
            }
        }
        double[] llt = product(l, false, lt, n);
        double[] identity = product(Cholesky.lowerInverse(l, n), false, l, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(llt[i * n + j]).isCloseTo(a[i * n + j], within(1e-9));
                assertThat(identity[i * n + j]).isCloseTo(i == j ? 1 : 0, within(1e-12));
                if (j > i) {
                    assertThat(l[i * n + j]).as("L is lower triangular").isZero();
                }
            }
        }
    }

    @Test
    @DisplayName("a matrix that is not positive definite is reported, not silently factored")
    void rejectsIndefinite() {
        double[] a = {1, 2, 2, 1};
        assertThatThrownBy(() -> Cholesky.lower(a, 2)).isInstanceOf(ArithmeticException.class).hasMessageContaining("positive definite");
    }

    @Test
    @DisplayName("SparseGPT's factor of a dampened 256 x 256 Hessian satisfies U^T U (H + lambda I) = I (throughput printed)")
    void hessianInverse() {
        int n = 256;
        double[] a = spd(n, 2);
        float[] h = new float[n * n];
        double meanDiag = 0;
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) a[i];
        }
        for (int j = 0; j < n; j++) {
            meanDiag += h[j * n + j] / (double) n;
        }
        long began = System.nanoTime();
        HessianInverse inv = HessianInverse.of(h, n, "test");
        double seconds = (System.nanoTime() - began) / 1e9;
        // one Cholesky and one triangular inverse: n^3/3 flops each
        System.out.printf("HessianInverse n=%d: %.3f s, %.2f GFLOP/s%n", n, seconds, 2.0 / 3 * n * n * n / seconds / 1e9);
        double[] u = new double[n * n];
        double[] damped = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i * n + j] = inv.get(i, j);
                damped[i * n + j] = h[i * n + j] + (i == j ? HessianInverse.DAMPENING * meanDiag : 0);
            }
        }
        double[] identity = product(product(u, true, u, n), false, damped, n);
        double worst = 0;
        double below = 0;
        double minDiagonal = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                worst = Math.max(worst, Math.abs(identity[i * n + j] - (i == j ? 1 : 0)));
                below = j < i ? Math.max(below, Math.abs(u[i * n + j])) : below;
            }
            minDiagonal = Math.min(minDiagonal, u[i * n + i]);
        }
        assertThat(worst).isLessThan(1e-9);
        assertThat(below).as("U is upper triangular").isZero();
        assertThat(minDiagonal).isPositive();
    }
}
