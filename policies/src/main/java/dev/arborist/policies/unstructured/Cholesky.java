package dev.arborist.policies.unstructured;

/**
 * Dense symmetric positive-definite kernels that DJL lacks, in plain double-precision Java. All
 * matrices are n x n, row-major; loops run along rows so the inner loops are contiguous. Each
 * kernel costs about n^3/3 flops: under a second for n = 1024.
 */
public final class Cholesky {
    private Cholesky() {}

    /**
     * @param a symmetric positive definite; only the lower triangle is read
     * @return L, lower triangular with L L^T = a (upper triangle zero)
     * @throws ArithmeticException if a is not positive definite
     */
    public static double[] lower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j] - dot(l, j * n, l, j * n, j);
            if (!(s > 0)) {
                throw new ArithmeticException("matrix is not positive definite (pivot " + j + " is " + s + ")");
            }
            double d = Math.sqrt(s);
            l[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                l[i * n + j] = (a[i * n + j] - dot(l, i * n, l, j * n, j)) / d;
            }
        }
        return l;
    }

    /** @return a^-1 for symmetric positive definite a, as L^-T L^-1 (torch.cholesky_inverse) */
    public static double[] inverse(double[] a, int n) {
        double[] x = lowerInverse(lower(a, n), n);
        double[] inv = new double[n * n];
        for (int k = 0; k < n; k++) { // inv += x_k^T x_k over rows k of X, lower triangle only
            for (int i = 0; i <= k; i++) {
                double xi = x[k * n + i];
                if (xi != 0) {
                    for (int j = 0; j <= i; j++) {
                        inv[i * n + j] += xi * x[k * n + j];
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                inv[j * n + i] = inv[i * n + j];
            }
        }
        return inv;
    }

    /** @return U, upper triangular with U^T U = a (torch.linalg.cholesky(a, upper=True)) */
    public static double[] upper(double[] a, int n) {
        double[] l = lower(a, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }

    /** Inverse of a lower triangular matrix, row by row: row i needs only rows < i. */
    static double[] lowerInverse(double[] l, int n) {
        double[] x = new double[n * n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(acc, 0, i, 0.0);
            for (int k = 0; k < i; k++) { // acc = sum_k L[i][k] X[k][:]
                double lik = l[i * n + k];
                if (lik != 0) {
                    for (int j = 0; j <= k; j++) {
                        acc[j] += lik * x[k * n + j];
                    }
                }
            }
            double inv = 1.0 / l[i * n + i];
            for (int j = 0; j < i; j++) {
                x[i * n + j] = -acc[j] * inv;
            }
            x[i * n + i] = inv;
        }
        return x;
    }

    private static double dot(double[] a, int aFrom, double[] b, int bFrom, int length) {
        double s = 0;
        for (int k = 0; k < length; k++) {
            s += a[aFrom + k] * b[bFrom + k];
        }
        return s;
    }
}
