package dev.arborist.policies.unstructured;

/**
 * The factor SparseGPT works with (Frantar &amp; Alistarh 2023, Algorithm 1): U, the upper Cholesky
 * factor of (H + lambda I)^-1, where H = sum x x^T at a site and lambda is 1% of H's mean diagonal.
 * Input channels that never fire ("dead", H_jj = 0) get H_jj = 1; their weights are zeroed.
 *
 * <p>With P the reversal permutation and P H P = L L^T, H^-1 = (P L^-T P)(P L^-1 P), so U = P L^-1 P:
 * one Cholesky and one triangular inverse (2n^3/3 flops) instead of the reference's Cholesky,
 * cholesky_inverse and second Cholesky.
 */
public final class HessianInverse {
    /** Dampening as a share of the mean diagonal, as in the reference implementation (percdamp=.01). */
    static final double DAMPENING = 0.01;

    private final int n;
    private final double[] upper; // (n, n) U with U^T U = H^-1
    private final boolean[] dead;

    private HessianInverse(int n, double[] upper, boolean[] dead) {
        this.n = n;
        this.upper = upper;
        this.dead = dead;
    }

    /** @param gramian (n, n) row-major sum of x x^T @param site names the site in errors */
    public static HessianInverse of(float[] gramian, int n, String site) {
        if (gramian.length != n * n) {
            throw new IllegalArgumentException("Hessian of " + site + " is not " + n + " x " + n);
        }
        double[] h = new double[n * n]; // reversed: h[i][j] = H[n-1-i][n-1-j]
        boolean[] dead = new boolean[n];
        double meanDiag = 0;
        for (int i = 0; i < n * n; i++) {
            h[n * n - 1 - i] = gramian[i];
        }
        for (int j = 0; j < n; j++) {
            if (h[j * n + j] == 0) {
                dead[n - 1 - j] = true;
                h[j * n + j] = 1;
            }
            meanDiag += h[j * n + j] / n;
        }
        double damp = DAMPENING * meanDiag;
        for (int j = 0; j < n; j++) {
            h[j * n + j] += damp;
        }
        try {
            double[] x = Cholesky.lowerInverse(Cholesky.lower(h, n), n);
            double[] u = new double[n * n];
            for (int i = 0; i < n * n; i++) {
                u[i] = x[n * n - 1 - i]; // U[i][j] = X[n-1-i][n-1-j]
            }
            return new HessianInverse(n, u, dead);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("the Hessian of " + site + " is not positive definite even after dampening: " + e.getMessage());
        }
    }

    /** H = I: no weight is compensated, selection is by magnitude. */
    public static HessianInverse identity(int n) {
        double[] u = new double[n * n];
        for (int j = 0; j < n; j++) {
            u[j * n + j] = 1;
        }
        return new HessianInverse(n, u, new boolean[n]);
    }

    public int size() {
        return n;
    }

    /** U[i][j]. */
    public double get(int i, int j) {
        return upper[i * n + j];
    }

    public boolean dead(int column) {
        return dead[column];
    }

    /** @return U[rows from..to, cols from2..n) as floats, row-major, for the lazy batched update */
    public float[] block(int rowFrom, int rowTo, int colFrom) {
        int width = n - colFrom;
        float[] out = new float[(rowTo - rowFrom) * width];
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = colFrom; j < n; j++) {
                out[(i - rowFrom) * width + j - colFrom] = (float) upper[i * n + j];
            }
        }
        return out;
    }
}
