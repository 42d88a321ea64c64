package dev.arborist.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the demo saw, one point per control window: client-side p95 end-to-end latency against
 * the SLO, and what the agent and serving reported (rung, sparsity, swaps). Attainment,
 * convergence and the mean quality of the rungs served are computed from it.
 */
public final class Timeline {
    /**
     * @param p95Seconds client-measured p95 e2e latency of the requests that finished in the window; NaN without any
     * @param rung the rung served (0 = dense): the baseline's pin when serving is pinned, else the agent's current rung;
     *     -1 when unknown
     * @param sparsity the agent's current sparsity; like {@code qualityRatio} (the agent's last verified perplexity
     *     ratio) it describes the agent's rung, which a baseline's pin overrides
     * @param shadowRatio the agent's latest live shadow quality reading, pooled over 64 or more scored tokens of the rungs
     *     that actually served (a pin's included); NaN before the first
     * @param tokensByRung tokens serving generated in the window at each rung its steps ran at for the rows (the per-input
     *     table's classes included; a statistics step's rows count at their rung, though it runs them at full width): what
     *     ran, where {@code rung} is what was asked for
     * @param waiting requests waiting for a batch slot when the window closed; NaN when unknown
     */
    public record Point(double endSeconds, double offeredRate, int completed, int failed, double p95Seconds, double sloSeconds,
            int rung, double sparsity, double swaps, double qualityRatio, double shadowRatio, double driftScore, double buildRunning,
            double buildHeld, Map<Integer, Double> tokensByRung, double waiting) {
        public Point {
            tokensByRung = Map.copyOf(tokensByRung);
        }

        public boolean withinSlo() {
            return Double.isNaN(p95Seconds) || p95Seconds <= sloSeconds;
        }
    }

    /** Consecutive windows within the SLO that count as having converged. */
    static final int SETTLED_WINDOWS = 3;

    private final List<Point> points = new ArrayList<>();

    public synchronized void add(Point point) {
        points.add(point);
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }

    /** Share of windows whose p95 was within the SLO. */
    public synchronized double attainment() {
        return points.isEmpty() ? Double.NaN : (double) points.stream().filter(Point::withinSlo).count() / points.size();
    }

    /**
     * Seconds from {@code changeAt} (a load or domain change) until the first of {@link #SETTLED_WINDOWS}
     * consecutive windows within the SLO; NaN when it never settled.
     */
    public synchronized double convergenceSeconds(double changeAt) {
        int run = 0;
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (p.endSeconds() <= changeAt) {
                continue;
            }
            run = p.withinSlo() ? run + 1 : 0;
            if (run == SETTLED_WINDOWS) {
                Point first = points.get(i - SETTLED_WINDOWS + 1);
                return Math.max(0, first.endSeconds() - changeAt);
            }
        }
        return Double.NaN;
    }

    /** For each change, the span {change, change + its convergence seconds}; unbounded when it never settled. */
    public synchronized List<double[]> convergingSpans(List<Double> changes) {
        List<double[]> spans = new ArrayList<>();
        for (double change : changes) {
            double settle = convergenceSeconds(change);
            spans.add(new double[] {change, Double.isNaN(settle) ? Double.POSITIVE_INFINITY : change + settle});
        }
        return spans;
    }

    /**
     * Mean over the windows of the served rung's held-out perplexity ratio to dense; windows whose
     * rung is unknown or not on the ladder are left out. NaN when none is left.
     *
     * @param ratios the perplexity ratio of each rung of a ladder, rung 0 first
     */
    public synchronized double meanPerplexityRatio(List<Double> ratios) {
        return points.stream().mapToInt(Point::rung).filter(r -> r >= 0 && r < ratios.size()).mapToDouble(ratios::get)
                .average().orElse(Double.NaN);
    }

    /**
     * Attainment over the windows after convergence: for each change, the windows between the change
     * and its convergence are left out (an unconverged change leaves out the rest of the run).
     */
    public synchronized double attainmentAfterConvergence(List<Double> changes) {
        List<double[]> excluded = convergingSpans(changes);
        long counted = 0;
        long within = 0;
        for (Point p : points) {
            double mid = p.endSeconds();
            boolean converging = excluded.stream().anyMatch(r -> mid > r[0] && mid <= r[1]);
            if (!converging) {
                counted++;
                within += p.withinSlo() ? 1 : 0;
            }
        }
        return counted == 0 ? Double.NaN : (double) within / counted;
    }
}
