package dev.arborist.cli.demo;

import java.util.List;

/** Exact quantiles of the demo's client-side latencies (a few hundred values per window). */
final class Quantiles {
    private Quantiles() {
    }

    /** The nearest-rank 95th percentile; NaN for no values. */
    static double p95(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(0.95 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The median (the mean of the middle two for an even count); NaN for no values. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
