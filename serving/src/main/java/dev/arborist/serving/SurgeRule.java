package dev.arborist.serving;

import java.time.Duration;

/**
 * Serving's own fast loop against bursts. The agent moves the base rung once per control window, seconds after a
 * burst began; a burst's requests are late by then. This rule acts on the next decode step instead: once the oldest
 * request in the system (running or waiting) has been there for {@code after}, every step runs one rung sparser than
 * the base, and one more for each further third of {@code after}, up to the ladder's sparsest rung. When the backlog
 * clears, steps return to the base rung. Every rung of a verified ladder is within the quality budget, so a surge
 * trades only what the agent already allowed, and only for the steps that would otherwise make requests late.
 *
 * <p>{@code after} is a share of the latency target (e.g. 0.6 x the p95 e2e target): below it nobody is at risk.
 *
 * @param after how long the oldest request may have been in the system before steps run sparser
 */
record SurgeRule(Duration after) {
    /** Each further third of {@code after} adds a rung: at 0.6 of a target, the second comes at 0.8 of it. */
    private static final int STEPS_PER_AFTER = 3;

    SurgeRule {
        if (after == null || after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("the surge threshold must be a positive duration, got " + after);
        }
    }

    /** @return how many rungs sparser than the base the next step runs; 0 while the oldest request is younger than {@code after} */
    int extraRungs(long oldestAgeNanos) {
        long threshold = after.toNanos();
        if (oldestAgeNanos < threshold) {
            return 0;
        }
        long beyond = oldestAgeNanos - threshold;
        return (int) Math.min(Integer.MAX_VALUE, 1 + beyond * STEPS_PER_AFTER / threshold);
    }
}
