package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.TensorMask;

/** Prunes the lowest-scoring weights in the pattern's shape and leaves the rest untouched. */
public final class ScoreMasking implements LayerPruner {
    private final WeightImportance importance;

    public ScoreMasking(WeightImportance importance) {
        this.importance = importance;
    }

    @Override
    public InputStatistic needs() {
        return importance.needs();
    }

    @Override
    public PlanEntry prune(PrunableWeight weight, SiteInputs inputs, double sparsity, SparsityPattern pattern) {
        Scores scores = importance.score(weight, inputs);
        return new TensorMask(weight.name(), pattern.select(scores, sparsity, importance.comparison()));
    }

    @Override
    public void close() {
        importance.close();
    }
}
