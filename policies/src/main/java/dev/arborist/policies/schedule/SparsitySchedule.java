package dev.arborist.policies.schedule;

/**
 * Gradual pruning: how sparse the model should be after each of {@code steps} pruning steps on the
 * way to {@code target}. A pure function (Torch-Pruning's {@code scheduler}); a controller applies
 * one step at a time.
 */
@FunctionalInterface
public interface SparsitySchedule {

    /** @return (steps + 1) ratios: [0] before any step, [steps] == target, never decreasing */
    double[] ratios(double target, int steps);
}
