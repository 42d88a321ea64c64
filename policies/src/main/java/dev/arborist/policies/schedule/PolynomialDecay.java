package dev.arborist.policies.schedule;

/**
 * Polynomial decay of the remaining sparsity (Zhu & Gupta 2017):
 * s_t = s_f + (s_i - s_f) * (1 - t/n)^power for t = 0..n. Power 3 is their cubic schedule, which
 * prunes fast while many redundant weights remain and slowly near the target; power 1 is linear.
 *
 * @param initial s_i, the sparsity before the first step
 * @param power the decay exponent, > 0
 */
public record PolynomialDecay(double initial, double power) implements SparsitySchedule {

    public PolynomialDecay {
        if (!(initial >= 0 && initial < 1)) {
            throw new IllegalArgumentException("initial sparsity must be in [0, 1), got " + initial);
        }
        if (!(power > 0)) {
            throw new IllegalArgumentException("power must be positive, got " + power);
        }
    }

    /** Zhu & Gupta's cubic schedule from a dense start. */
    public static PolynomialDecay cubic() {
        return new PolynomialDecay(0, 3);
    }

    public static PolynomialDecay linear() {
        return new PolynomialDecay(0, 1);
    }

    @Override
    public double[] ratios(double target, int steps) {
        if (!(target >= initial && target < 1)) {
            throw new IllegalArgumentException("target sparsity must be in [" + initial + ", 1), got " + target);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        double[] r = new double[steps + 1];
        for (int t = 0; t <= steps; t++) {
            r[t] = target + (initial - target) * Math.pow(1 - (double) t / steps, power);
        }
        r[steps] = target; // exact, whatever the rounding
        return r;
    }
}
