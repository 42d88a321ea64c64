package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;

/** What offered traffic looks like over a run: how much of it and which prompts, as functions of progress (0..1). */
public interface Traffic {
    /** The offered load relative to the base rate at {@code progress} (0..1) of the run. */
    double loadMultiplier(double progress);

    /** The domain of the next request at {@code progress} (0..1) of the run, given a uniform draw from [0, 1). */
    Domain domain(double progress, double uniform);
}
