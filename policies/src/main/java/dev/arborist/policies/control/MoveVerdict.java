package dev.arborist.policies.control;

import java.util.Locale;

/**
 * Whether the windows after a move show that the move backfired. The agent's effect watcher judges
 * a new plan by the same rule as the controller judges a sparser rung.
 */
public final class MoveVerdict {

    private MoveVerdict() {
    }

    /**
     * @return what got worse after a move that should have made serving faster (a sparser rung, a
     *     new plan), or null if nothing did: the served part of some targeted p95 (the p95 less the
     *     queue-wait p95 when it includes the wait and both windows measured it) rose by more than {@link Controller#WORSE_BY} over the basis
     *     window at a finished-request rate within {@link Controller#SAME_LOAD} of the basis window's. A rise at a higher
     *     rate says nothing about the rung, and neither does a rise in queue wait: a backlog built
     *     before the move drains through the windows after it whatever the rung. Nor does a rise at a
     *     much lower finished rate: in a burst beyond capacity requests finish late, so the window
     *     counts fewer of them while bigger batches slow every step, faster rung or not (seen in the
     *     control bench: +11% at 5.7 finished/s against 10.3 rolled back a move the burst needed).
     */
    public static String fasterBackfired(SloSpec spec, LatencySample basis, LatencySample after) {
        double rate = basis.requestRate();
        if (after.requestRate() > rate * (1 + Controller.SAME_LOAD) || after.requestRate() < rate * (1 - Controller.SAME_LOAD)) {
            return null;
        }
        for (LatencyMetric m : LatencyMetric.values()) {
            boolean lessQueue = m.includesQueue() && basis.queueP95() != null && after.queueP95() != null;
            Double before = served(m, basis, lessQueue);
            Double now = served(m, after, lessQueue);
            if (m.target(spec) != null && before != null && now != null && now > before * (1 + Controller.WORSE_BY)) {
                return String.format(Locale.ROOT, "%s p95%s rose from %s to %s (+%.0f%%, more than %.0f%%) at a similar request rate"
                                + " (%.1f/s, was %.1f/s)", m.label(), lessQueue ? " less queue wait" : "", SloAssessment.seconds(before),
                        SloAssessment.seconds(now), (now / before - 1) * 100, Controller.WORSE_BY * 100, after.requestRate(),
                        basis.requestRate());
            }
        }
        return null;
    }

    /** @return the violation after a DENSER move, or null if the SLO held */
    static String denserBackfired(SloAssessment after) {
        return after.verdict() == SloAssessment.Verdict.VIOLATED ? after.describe() : null;
    }

    /**
     * The p95, less the queue-wait p95 when asked: quantiles do not subtract exactly, but a backlog
     * shows up in the queue term and a slower rung in the rest.
     */
    private static Double served(LatencyMetric m, LatencySample w, boolean lessQueue) {
        Double p95 = m.observed(w);
        if (p95 == null || !lessQueue) {
            return p95;
        }
        return Math.max(0, p95 - w.queueP95());
    }
}
