package dev.arborist.policies.control;

import java.time.Instant;
import java.util.Objects;

/**
 * A rung the controller may not move to for a while, because a move to it backfired. A denser
 * move fails at the load it was tried at: its bar remembers that load and lifts early once
 * headroom runs at clearly lighter load ({@link Controller#lighterLoad}), where the failure says nothing.
 *
 * @param until when the bar ends
 * @param load the request rate the failed denser move was made at; 0 for a bar no load lifts (a
 *     sparser move that backfired: the rung is slower whatever the load)
 */
public record Bar(Instant until, double load) {
    public Bar {
        Objects.requireNonNull(until, "until");
        if (!(load >= 0 && Double.isFinite(load))) {
            throw new IllegalArgumentException("a bar's load must be a non-negative request rate, got " + load);
        }
    }

    /** A bar that only time lifts. */
    public static Bar until(Instant until) {
        return new Bar(until, 0);
    }

    /** @param recentPeak the peak request rate of the latest headroom windows, 0 without a streak */
    boolean holdsAt(Instant now, double recentPeak) {
        return until.isAfter(now) && !Controller.lighterLoad(recentPeak, load);
    }
}
