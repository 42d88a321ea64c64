package dev.arborist.policies.control;

import java.time.Instant;
import java.util.Objects;

/**
 * One recent evidence window, as much as a denser move needs to know of it: would its load have
 * broken the SLO on a denser rung?
 *
 * @param end when the window ended
 * @param denseRatio its tightest p95 as a share of the target, scaled to the dense rung by the ladder's
 *     speed-ups (times its own rung's): divided by a rung's speed-up, the share expected there
 * @param requestRate its finished requests per second
 */
public record PeakWindow(Instant end, double denseRatio, double requestRate) {
    public PeakWindow {
        Objects.requireNonNull(end, "end");
        if (!(denseRatio >= 0 && Double.isFinite(denseRatio) && requestRate >= 0 && Double.isFinite(requestRate))) {
            throw new IllegalArgumentException("a window's dense p95 ratio and request rate must be non-negative numbers, got "
                    + denseRatio + " and " + requestRate);
        }
    }
}
