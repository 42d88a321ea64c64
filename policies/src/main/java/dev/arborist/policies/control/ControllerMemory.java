package dev.arborist.policies.control;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;

/** The mutable side of a {@link Controller}: streaks, the last move, bars, the quality cap and the denser back-off. */
final class ControllerMemory {
    int currentRung;
    Instant lastMoveAt;
    int violationStreak;
    int headroomStreak;
    final ArrayDeque<Double> recentHeadroomRates; // request rates of the streak's latest windows, as many as the spec's streak
    final ArrayDeque<PeakWindow> recentWindows; // evidence windows of the last PEAK_COOLDOWNS cool-downs, oldest first
    Integer rungBeforeMove; // with moveBasis: the last move, while it awaits its verdict
    WindowSummary moveBasis;
    int backfiredWindows; // evidence windows in a row that said the pending sparser move backfired
    final TreeMap<Integer, Bar> penalties; // rung -> its bar
    Integer qualityCap;
    DenserBackoff backoff;

    ControllerMemory(ControllerState s) {
        currentRung = s.currentRung();
        lastMoveAt = s.lastMoveAt();
        violationStreak = s.violationStreak();
        headroomStreak = s.headroomStreak();
        recentHeadroomRates = new ArrayDeque<>(s.recentHeadroomRates());
        recentWindows = new ArrayDeque<>(s.recentWindows());
        rungBeforeMove = s.rungBeforeMove();
        moveBasis = s.moveBasis();
        backfiredWindows = s.backfiredWindows();
        penalties = new TreeMap<>(s.penalties());
        qualityCap = s.qualityCap();
        backoff = s.backoff();
    }

    ControllerState snapshot() {
        return new ControllerState(currentRung, lastMoveAt, violationStreak, headroomStreak, List.copyOf(recentHeadroomRates), rungBeforeMove, moveBasis, penalties,
                qualityCap, backoff, List.copyOf(recentWindows), backfiredWindows);
    }

    /** One evidence window: a violation or headroom extends its streak and ends the other; the band ends both. */
    void count(SloAssessment.Verdict verdict, double requestRate, int keepRates) {
        violationStreak = verdict == SloAssessment.Verdict.VIOLATED ? violationStreak + 1 : 0;
        boolean headroom = verdict == SloAssessment.Verdict.HEADROOM;
        headroomStreak = headroom ? headroomStreak + 1 : 0;
        if (!headroom) {
            recentHeadroomRates.clear();
            return;
        }
        recentHeadroomRates.addLast(requestRate);
        while (recentHeadroomRates.size() > keepRates) {
            recentHeadroomRates.removeFirst();
        }
    }

    /**
     * Remembers an evidence window and forgets those that ended before {@code since}: the new one too
     * when it is that old (windows decided late, as when the agent catches up after an outage).
     */
    void remember(PeakWindow window, Instant since) {
        recentWindows.addLast(window);
        while (!recentWindows.isEmpty() && recentWindows.getFirst().end().isBefore(since)) {
            recentWindows.removeFirst();
        }
    }

    /**
     * The highest dense p95 ratio among the remembered windows that ran under the latest headroom's
     * load, 0 without any (see {@link Controller#OTHER_LOAD}).
     */
    double recentPeak() {
        double now = recentHeadroomPeak();
        return recentWindows.stream().filter(w -> !Controller.lighterLoad(now, w.requestRate(), Controller.OTHER_LOAD))
                .mapToDouble(PeakWindow::denseRatio).max().orElse(0);
    }

    /** The load the latest headroom windows ran at: their peak request rate, 0 without a streak. */
    double recentHeadroomPeak() {
        return recentHeadroomRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    void dropPenaltiesEndedBy(Instant now) {
        penalties.values().removeIf(bar -> !bar.until().isAfter(now));
    }

    void verdictGiven() {
        rungBeforeMove = null;
        moveBasis = null;
        backfiredWindows = 0;
    }

    /** @param before the rung left, kept with {@code basis} for the move's verdict; both null when none is due */
    void moved(int to, Instant now, Integer before, WindowSummary basis) {
        currentRung = to;
        lastMoveAt = now;
        resetStreaks();
        rungBeforeMove = before;
        moveBasis = basis;
        backfiredWindows = 0;
    }

    void forgetStreaks(int rung) {
        currentRung = rung;
        resetStreaks();
        verdictGiven();
    }

    private void resetStreaks() {
        violationStreak = 0;
        headroomStreak = 0;
        recentHeadroomRates.clear();
    }

    void forgetLadder(int rung) {
        forgetStreaks(rung);
        penalties.clear();
        qualityCap = null;
        // recent peaks stay: they are held as dense p95 shares, and dense is the same model on every ladder
    }

    /** @return why the controller may not move to {@code rung} now, or null if it may */
    String blocker(Ladder ladder, int rung, Instant now) {
        if (!ladder.withinBudget(rung)) {
            return "the quality budget binds: rung " + rung + " has perplexity ratio "
                    + SloAssessment.ratio(ladder.rung(rung).perplexityRatio()) + " > " + SloAssessment.ratio(ladder.maxPerplexityRatio());
        }
        if (qualityCap != null && rung > qualityCap) {
            return "rung " + rung + " is beyond rung " + qualityCap + ", the sparsest allowed since a failed quality check";
        }
        Bar bar = penalties.get(rung);
        if (bar != null && bar.holdsAt(now, recentHeadroomPeak())) {
            return "rung " + rung + " is barred until " + bar.until() + " after a rollback";
        }
        return null;
    }
}
