package dev.arborist.policies.control;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a {@link Controller} remembers, so the agent can snapshot it and resume identically.
 *
 * @param currentRung the rung the controller last chose
 * @param lastMoveAt when it last changed rung, or null if it never has
 * @param violationStreak consecutive evidence windows that violated the SLO
 * @param headroomStreak consecutive evidence windows with headroom
 * @param recentHeadroomRates request rates of the streak's latest windows, oldest first (at most the spec's streak of them)
 * @param rungBeforeMove the rung left by the last move while that move awaits its verdict, else null
 * @param moveBasis the window the move awaiting its verdict was based on, else null
 * @param penalties rung -> its bar (set by rollbacks); kept sorted by rung
 * @param qualityCap the sparsest rung allowed after a failed quality check, until the ladder is rebuilt; null for none
 * @param backoff how much longer than the spec's streak the headroom before a denser move must be (null reads as none)
 * @param recentWindows the evidence windows of the last Controller.PEAK_COOLDOWNS cool-downs, oldest first, for the peak a denser move must survive (null reads as none)
 * @param backfiredWindows evidence windows in a row so far that said the sparser move awaiting its verdict backfired (see Controller.CONFIRM_WINDOWS)
 */
public record ControllerState(int currentRung, Instant lastMoveAt, int violationStreak, int headroomStreak, List<Double> recentHeadroomRates,
                              Integer rungBeforeMove, WindowSummary moveBasis, Map<Integer, Bar> penalties,
                              Integer qualityCap, DenserBackoff backoff, List<PeakWindow> recentWindows, int backfiredWindows) {
    public static final String SCHEMA = "arborist.controller-state.v1";

    public ControllerState {
        if (currentRung < 0 || violationStreak < 0 || headroomStreak < 0) {
            throw new IllegalArgumentException("rung and streaks must be non-negative, got rung " + currentRung
                    + ", streaks " + violationStreak + "/" + headroomStreak);
        }
        recentHeadroomRates = recentHeadroomRates == null ? List.of() : List.copyOf(recentHeadroomRates);
        if (recentHeadroomRates.size() > headroomStreak || recentHeadroomRates.stream().anyMatch(r -> !(r >= 0 && Double.isFinite(r)))) {
            throw new IllegalArgumentException("recent headroom rates must be at most one non-negative rate per streak window, got "
                    + recentHeadroomRates + " for a streak of " + headroomStreak);
        }
        if ((rungBeforeMove == null) != (moveBasis == null) || (rungBeforeMove != null && lastMoveAt == null)) {
            throw new IllegalArgumentException("a move awaiting its verdict needs its previous rung, its basis window and its time");
        }
        if (backfiredWindows < 0 || (backfiredWindows > 0 && rungBeforeMove == null)) {
            throw new IllegalArgumentException("backfired windows count towards the verdict of a move awaiting one, got "
                    + backfiredWindows + (rungBeforeMove == null ? " with no move awaiting its verdict" : ""));
        }
        if (qualityCap != null && qualityCap < 0) {
            throw new IllegalArgumentException("quality cap must be a rung index, got " + qualityCap);
        }
        backoff = backoff == null ? DenserBackoff.NONE : backoff;
        recentWindows = recentWindows == null ? List.of() : List.copyOf(recentWindows);
        penalties = Collections.unmodifiableSortedMap(penalties == null ? new TreeMap<>() : new TreeMap<>(penalties));
    }

    /** A controller that has not moved yet, starting on {@code rung}. */
    public static ControllerState startingAt(int rung) {
        return new ControllerState(rung, null, 0, 0, List.of(), null, null, new TreeMap<>(), null, DenserBackoff.NONE, List.of(), 0);
    }

    public String toJson() {
        return ControllerStateJson.encode(this);
    }

    /** @throws IllegalArgumentException if the text is not a snapshot written by {@link #toJson} */
    public static ControllerState fromJson(String json) {
        return ControllerStateJson.decode(json);
    }
}
