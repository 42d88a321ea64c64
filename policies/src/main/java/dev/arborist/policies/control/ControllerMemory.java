package dev.arborist.policies.control;

import java.time.Instant;
import java.util.TreeMap;

/** The mutable side of a {@link Controller}: streaks, the last move, bars, the quality cap and the denser back-off. */
final class ControllerMemory {
    int currentRung;
    Instant lastMoveAt;
    int violationStreak;
    int headroomStreak;
    Integer rungBeforeMove; // with moveBasis: the last move, while it awaits its verdict
    WindowSummary moveBasis;
    final TreeMap<Integer, Instant> penalties; // rung -> barred until
    Integer qualityCap;
    DenserBackoff backoff;

    ControllerMemory(ControllerState s) {
        currentRung = s.currentRung();
        lastMoveAt = s.lastMoveAt();
        violationStreak = s.violationStreak();
        headroomStreak = s.headroomStreak();
        rungBeforeMove = s.rungBeforeMove();
        moveBasis = s.moveBasis();
        penalties = new TreeMap<>(s.penalties());
        qualityCap = s.qualityCap();
        backoff = s.backoff();
    }

    ControllerState snapshot() {
        return new ControllerState(currentRung, lastMoveAt, violationStreak, headroomStreak, rungBeforeMove, moveBasis, penalties, qualityCap, backoff);
    }

    /** One evidence window: a violation or headroom extends its streak and ends the other; the band ends both. */
    void count(SloAssessment.Verdict verdict) {
        violationStreak = verdict == SloAssessment.Verdict.VIOLATED ? violationStreak + 1 : 0;
        headroomStreak = verdict == SloAssessment.Verdict.HEADROOM ? headroomStreak + 1 : 0;
    }

    void dropPenaltiesEndedBy(Instant now) {
        penalties.values().removeIf(until -> !until.isAfter(now));
    }

    void verdictGiven() {
        rungBeforeMove = null;
        moveBasis = null;
    }

    /** @param before the rung left, kept with {@code basis} for the move's verdict; both null when none is due */
    void moved(int to, Instant now, Integer before, WindowSummary basis) {
        currentRung = to;
        lastMoveAt = now;
        violationStreak = 0;
        headroomStreak = 0;
        rungBeforeMove = before;
        moveBasis = basis;
    }

    void forgetStreaks(int rung) {
        currentRung = rung;
        violationStreak = 0;
        headroomStreak = 0;
        verdictGiven();
    }

    void forgetLadder(int rung) {
        forgetStreaks(rung);
        penalties.clear();
        qualityCap = null;
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
        Instant until = penalties.get(rung);
        if (until != null && until.isAfter(now)) {
            return "rung " + rung + " is barred until " + until + " after a rollback";
        }
        return null;
    }
}
