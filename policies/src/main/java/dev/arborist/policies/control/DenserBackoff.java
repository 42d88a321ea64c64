package dev.arborist.policies.control;

import java.time.Duration;
import java.time.Instant;

/**
 * Damps the oscillation that bursty load drives. Between bursts a window has headroom, the
 * controller goes denser, and the next burst sends it sparser again. A denser move that a sparser
 * one undoes within the horizon doubles the headroom streak the next denser move needs (at most
 * 2^{@value #MAX_LEVEL} times the spec's); a denser move that stands for the horizon halves it again.
 * This is route-flap damping applied to rungs: the penalty grows with each flap and decays with calm.
 *
 * @param level the spec's headroom streak is multiplied by 2^level
 * @param lastDenserAt when the last denser move was made, while a sparser move could still undo it; else null
 */
public record DenserBackoff(int level, Instant lastDenserAt) {
    public static final int MAX_LEVEL = 2;
    public static final DenserBackoff NONE = new DenserBackoff(0, null);

    public DenserBackoff {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("back-off level must be between 0 and " + MAX_LEVEL + ", got " + level);
        }
    }

    /** The headroom streak a denser move needs now. */
    int headroomWindows(int specWindows) {
        return specWindows << level;
    }

    DenserBackoff afterDenser(Instant now) {
        return new DenserBackoff(level, now);
    }

    /** A move towards sparser: if it undoes a denser move made within {@code horizon}, back off one level further. */
    DenserBackoff afterSparser(Instant now, Duration horizon) {
        return new DenserBackoff(undoneBy(now, horizon) ? Math.min(level + 1, MAX_LEVEL) : level, null);
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
        return new DenserBackoff(Math.max(level - 1, 0), null);
    }
}
