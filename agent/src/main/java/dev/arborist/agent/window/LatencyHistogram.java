package dev.arborist.agent.window;

import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable latency histogram with logarithmic buckets (the DDSketch layout, Masson et al. 2019):
 * bucket i holds values in (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and reports 2γ^i/(γ+1), so every
 * quantile it returns is within a relative error α = 1% of a value that was recorded at that rank.
 * Histograms of different replicas and windows merge by adding bucket counts, which is what makes
 * cross-replica p95s exact up to α (averaging per-replica p95s would not be).
 * Not thread-safe: one window is filled by the consumer thread only.
 */
public final class LatencyHistogram {
    /** Relative accuracy of every quantile. */
    public static final double RELATIVE_ERROR = 0.01;
    private static final double GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    // Values at or below 1 ns count as zero: no latency is that short, and it bounds the bucket range.
    private static final double MIN_VALUE = 1e-9;

    private final TreeMap<Integer, Long> buckets = new TreeMap<>();
    private long zeros;
    private long count;

    public void record(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("a latency must be a finite non-negative number of seconds, got " + seconds);
        }
        count++;
        if (seconds <= MIN_VALUE) {
            zeros++;
            return;
        }
        buckets.merge((int) Math.ceil(Math.log(seconds) / LOG_GAMMA), 1L, Long::sum);
    }

    /** Adds every value {@code other} holds. */
    public void merge(LatencyHistogram other) {
        other.buckets.forEach((i, c) -> buckets.merge(i, c, Long::sum));
        zeros += other.zeros;
        count += other.count;
    }

    public long count() {
        return count;
    }

    /**
     * The q-quantile by nearest rank: the value of the ceil(q·n)-th smallest recording, within
     * {@link #RELATIVE_ERROR}; NaN when empty.
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile must be in [0, 1], got " + q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        if (rank <= zeros) {
            return 0;
        }
        long seen = zeros;
        for (Map.Entry<Integer, Long> b : buckets.entrySet()) {
            seen += b.getValue();
            if (seen >= rank) {
                return 2 * Math.pow(GAMMA, b.getKey()) / (GAMMA + 1);
            }
        }
        throw new IllegalStateException("bucket counts do not add up to " + count);
    }

    /** The buckets as a plain map (index → count), for snapshots. */
    public Map<Integer, Long> buckets() {
        return Map.copyOf(buckets);
    }

    public long zeros() {
        return zeros;
    }

    /** Rebuilds a histogram from {@link #buckets()} and {@link #zeros()}. */
    public static LatencyHistogram of(Map<Integer, Long> buckets, long zeros) {
        LatencyHistogram h = new LatencyHistogram();
        h.buckets.putAll(buckets);
        h.zeros = zeros;
        h.count = zeros + buckets.values().stream().mapToLong(Long::longValue).sum();
        return h;
    }
}
