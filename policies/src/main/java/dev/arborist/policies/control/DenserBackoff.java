package dev.arborist.policies.control;

import java.time.Duration;
import java.time.Instant;

/**
 * Damps the oscillation that bursty load drives. Between bursts a window has headroom, the
 * controller goes denser, and the next burst sends it sparser again. A denser move that a sparser
 * one undoes within the horizon doubles the headroom streak the next denser move needs (at most
 * 2^{@value #MAX_LEVEL} times the spec's); a denser move that stands for the horizon halves it again.
 * This is route-flap damping applied to rungs: the penalty grows with each flap and decays with calm.
 * The flaps happened at a load; headroom at clearly lighter load (the load dropped) needs only the spec's streak.
 *
 * @param level the spec's headroom streak is multiplied by 2^level
 * @param load the request rate the last undone denser move was made at (see {@link Controller#lighterLoad}); 0 if unknown
 * @param lastDenserAt when the last denser move was made, while a sparser move could still undo it; else null
 * @param lastDenserLoad the request rate that move was made at, while it could be undone; else 0
 */
public record DenserBackoff(int level, double load, Instant lastDenserAt, double lastDenserLoad) {
    public static final int MAX_LEVEL = 2;
    public static final DenserBackoff NONE = new DenserBackoff(0, 0, null, 0);

    public DenserBackoff {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("back-off level must be between 0 and " + MAX_LEVEL + ", got " + level);
        }
        if (!(load >= 0 && lastDenserLoad >= 0 && Double.isFinite(load + lastDenserLoad))) {
            throw new IllegalArgumentException("back-off loads must be non-negative request rates, got " + load + " and " + lastDenserLoad);
        }
    }

    /**
     * The headroom streak a denser move needs now.
     *
     * @param recentPeak the peak request rate of the spec's streak's worth of latest headroom windows
     */
    int headroomWindows(int specWindows, double recentPeak) {
        return waivedAt(recentPeak) ? specWindows : specWindows << level;
    }

    /** Whether the back-off is up but the latest headroom runs at clearly lighter load than the flaps did. */
    boolean waivedAt(double recentPeak) {
        return level > 0 && Controller.lighterLoad(recentPeak, load);
    }

    /** @param recentPeak the request rate the move is made at */
    DenserBackoff afterDenser(Instant now, double recentPeak) {
        return new DenserBackoff(level, load, now, recentPeak);
    }

    /** A move towards sparser: if it undoes a denser move made within {@code horizon}, back off one level further, at that move's load. */
    DenserBackoff afterSparser(Instant now, Duration horizon) {
        return undoneBy(now, horizon) ? new DenserBackoff(Math.min(level + 1, MAX_LEVEL), lastDenserLoad, null, 0)
                : new DenserBackoff(level, load, null, 0);
    }

    /** Whether a sparser move at {@code now} undoes the last denser move. */
    boolean undoneBy(Instant now, Duration horizon) {
        return lastDenserAt != null && now.isBefore(lastDenserAt.plus(horizon));
    }

    /** The last denser move has stood for {@code horizon}: one level less. */
    DenserBackoff settled(Instant now, Duration horizon) {
        if (lastDenserAt == null || now.isBefore(lastDenserAt.plus(horizon))) {
            return this;
        }
        return new DenserBackoff(Math.max(level - 1, 0), load, null, 0);
    }
}
