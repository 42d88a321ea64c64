package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;

/**
 * Scores the units of a group as wholes: one score per unit, higher is more important
 * (Torch-Pruning's {@code Importance}). A new criterion is one class plus one test.
 */
@FunctionalInterface
public interface ImportanceCriterion {

    /** @return (units) one score per unit of the group */
    double[] scores(PruningGroup group);
}
