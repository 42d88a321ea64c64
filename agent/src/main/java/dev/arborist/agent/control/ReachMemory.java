package dev.arborist.agent.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * How cheap the deployment has lately had to run: the estimated decode cost of the rungs its windows
 * ran, remembered for a while. A replacement ladder that is not urgent must reach that far before it
 * goes out: in the control bench a live plan whose sparsest rung kept 30% of the weights out,
 * published between two bursts of a load the plan before had held on a rung keeping 41% out, left the
 * controller nowhere to go and missed for 10 s. Costs are the ladder builder's estimates relative to
 * dense ({@link dev.arborist.policies.elastic.Rung#relativeCost}), which compare across plans; measured
 * speed-ups do not: two builds measured the same level at x1.27 and x1.57. The windows are in the
 * agent's snapshot, so a restart does not forget how cheap the deployment had to run.
 */
final class ReachMemory {
    /** A ladder this much dearer than the cost in use still counts as reaching it: a level of another plan seldom lands exactly there. */
    static final double TOLERANCE = 0.02;

    private final Duration horizon;
    private final Deque<Ran> ran = new ArrayDeque<>(); // at most one entry per window, oldest first

    /** @param horizon how long a rung's cost the deployment ran counts as needed */
    ReachMemory(Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("the reach horizon must be positive, got " + horizon);
        }
        this.horizon = horizon;
    }

    /** A window that ended at {@code end} ran a rung of estimated decode cost {@code relativeCost} (dense = 1). */
    void ran(Instant end, double relativeCost) {
        ran.addLast(new Ran(end, relativeCost));
        forget(end);
    }

    /** The lowest cost run within the horizon before {@code now}; 1 (dense) when none was lower. */
    double needed(Instant now) {
        forget(now);
        return Math.min(1, ran.stream().mapToDouble(Ran::relativeCost).min().orElse(1));
    }

    /**
     * Why a ladder whose cheapest rung within the quality budget costs {@code cheapest} falls short of
     * the cost in use; null when it reaches it.
     */
    String shortfall(double cheapest, Instant now) {
        double needed = needed(now);
        if (cheapest <= needed * (1 + TOLERANCE)) {
            return null;
        }
        return String.format(Locale.ROOT, "its cheapest rung within budget costs %.3f of a dense decode step (estimated), and the deployment ran"
                + " at %.3f within the last %d s, so it goes out once %d s pass without a rung that cheap", cheapest, needed,
                horizon.toSeconds(), horizon.toSeconds());
    }

    /** The windows remembered, oldest first, for the agent's snapshot. */
    List<Ran> state() {
        return List.copyOf(ran);
    }

    /** Resumes a snapshot's windows; null (none, or a snapshot from before they were in it) starts empty. */
    void restore(List<Ran> windows) {
        ran.clear();
        if (windows != null) {
            ran.addAll(windows);
        }
    }

    private void forget(Instant now) {
        Instant oldest = now.minus(horizon);
        while (!ran.isEmpty() && ran.peekFirst().end().isBefore(oldest)) {
            ran.removeFirst();
        }
    }

    /** A window that ended at {@code end} ran a rung of estimated decode cost {@code relativeCost}. */
    public record Ran(Instant end, double relativeCost) {
    }
}
