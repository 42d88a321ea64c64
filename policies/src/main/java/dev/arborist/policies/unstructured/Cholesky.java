package dev.arborist.policies.unstructured;

/**
 * The two dense kernels SparseGPT needs and DJL lacks, in plain double-precision Java: Cholesky
 * factorisation and the inverse of a lower triangular matrix. Matrices are n x n, row-major. Both
 * go down the rows in blocks of four, so each earlier row streamed from memory serves four rows
 * (the kernels are memory-bound otherwise). Each costs about n^3/3 flops.
 */
public final class Cholesky {
    private static final int ROWS = 4;

    private Cholesky() {}

    /**
     * @param a symmetric positive definite; only the lower triangle is read
     * @return L, lower triangular with L L^T = a (upper triangle zero)
     * @throws ArithmeticException if a is not positive definite
     */
    public static double[] lower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i0 = 0; i0 < n; i0 += ROWS) {
            int rows = Math.min(ROWS, n - i0);
            for (int j = 0; j < i0; j++) { // columns left of the block: L[i][j] = (a[i][j] - L[i][:j] . L[j][:j]) / L[j][j]
                double[] dots = dots(l, n, i0, rows, l, j * n, j);
                for (int r = 0; r < rows; r++) {
                    l[(i0 + r) * n + j] = (a[(i0 + r) * n + j] - dots[r]) / l[j * n + j];
                }
            }
            for (int i = i0; i < i0 + rows; i++) { // the block's own triangle, row by row
                for (int j = i0; j <= i; j++) {
                    double s = a[i * n + j] - dot(l, i * n, l, j * n, j);
                    if (j < i) {
                        l[i * n + j] = s / l[j * n + j];
                    } else if (s > 0) {
                        l[i * n + i] = Math.sqrt(s);
                    } else {
                        throw new ArithmeticException("matrix is not positive definite (pivot " + i + " is " + s + ")");
                    }
                }
            }
        }
        return l;
    }

    /** @return L^-1 (lower triangular) for a lower triangular L with a non-zero diagonal */
    public static double[] lowerInverse(double[] l, int n) {
        double[] x = new double[n * n];
        double[][] acc = new double[ROWS][n]; // acc[r] = sum_k L[i0+r][k] X[k][:]
        for (int i0 = 0; i0 < n; i0 += ROWS) {
            int rows = Math.min(ROWS, n - i0);
            for (double[] row : acc) {
                java.util.Arrays.fill(row, 0.0);
            }
            for (int k = 0; k < i0; k++) { // rows above the block, each read once for the whole block
                for (int r = 0; r < rows; r++) {
                    axpy(acc[r], l[(i0 + r) * n + k], x, k * n, k + 1);
                }
            }
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                for (int k = i0; k < i; k++) { // rows of the block already done
                    axpy(acc[r], l[i * n + k], x, k * n, k + 1);
                }
                double inv = 1.0 / l[i * n + i];
                for (int j = 0; j < i; j++) {
                    x[i * n + j] = -acc[r][j] * inv;
                }
                x[i * n + i] = inv;
            }
        }
        return x;
    }

    /** acc[0..length) += alpha * x[from..from+length) */
    private static void axpy(double[] acc, double alpha, double[] x, int from, int length) {
        if (alpha == 0) {
            return;
        }
        for (int j = 0; j < length; j++) {
            acc[j] += alpha * x[from + j];
        }
    }

    /** Dot products of rows i0..i0+rows-1 of m (first {@code length} entries) with one vector, reading it once. */
    private static double[] dots(double[] m, int n, int i0, int rows, double[] v, int vFrom, int length) {
        double[] out = new double[rows];
        if (rows == ROWS) {
            int a = i0 * n;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int k = 0; k < length; k++) {
                double vk = v[vFrom + k];
                s0 += m[a + k] * vk;
                s1 += m[a + n + k] * vk;
                s2 += m[a + 2 * n + k] * vk;
                s3 += m[a + 3 * n + k] * vk;
            }
            out[0] = s0;
            out[1] = s1;
            out[2] = s2;
            out[3] = s3;
        } else {
            for (int r = 0; r < rows; r++) {
                out[r] = dot(m, (i0 + r) * n, v, vFrom, length);
            }
        }
        return out;
    }

    private static double dot(double[] a, int aFrom, double[] b, int bFrom, int length) {
        double s = 0;
        for (int k = 0; k < length; k++) {
            s += a[aFrom + k] * b[bFrom + k];
        }
        return s;
    }
}
