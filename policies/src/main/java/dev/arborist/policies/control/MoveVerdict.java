package dev.arborist.policies.control;

import java.util.Locale;

/** Whether the window after a move's cool-down shows that the move backfired. */
final class MoveVerdict {

    private MoveVerdict() {
    }

    /**
     * @return what got worse after a SPARSER move, or null if nothing did: some targeted p95 rose by
     *     more than {@link Controller#WORSE_BY} over the basis window at a request rate at most
     *     {@link Controller#SAME_LOAD} higher (at a higher rate a rise says nothing about the rung)
     */
    static String sparserBackfired(SloSpec spec, WindowSummary basis, WindowSummary after) {
        if (after.requestRate() > basis.requestRate() * (1 + Controller.SAME_LOAD)) {
            return null;
        }
        for (LatencyMetric m : LatencyMetric.values()) {
            Double before = m.observed(basis);
            Double now = m.observed(after);
            if (m.target(spec) != null && before != null && now != null && now > before * (1 + Controller.WORSE_BY)) {
                return String.format(Locale.ROOT, "%s p95 rose from %s to %s (+%.0f%%, more than %.0f%%) at a similar request rate"
                                + " (%.1f/s, was %.1f/s)", m.label(), SloAssessment.seconds(before), SloAssessment.seconds(now),
                        (now / before - 1) * 100, Controller.WORSE_BY * 100, after.requestRate(), basis.requestRate());
            }
        }
        return null;
    }

    /** @return the violation after a DENSER move, or null if the SLO held */
    static String denserBackfired(SloAssessment after) {
        return after.verdict() == SloAssessment.Verdict.VIOLATED ? after.describe() : null;
    }
}
