package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.PlanEntry;

/**
 * The per-weight half of a layer-wise method: what it needs observed, and its decision about one
 * weight matrix. The {@link CalibrationWalker} does the rest (Wanda's lib/prune.py, one loop for
 * every method).
 */
public interface LayerPruner extends AutoCloseable {

    InputStatistic needs();

    /**
     * @param sparsity the share of this weight to prune (the layer's share under OWL)
     * @return a {@link dev.arborist.policies.plan.TensorMask} or {@link dev.arborist.policies.plan.TensorUpdate}
     */
    PlanEntry prune(PrunableWeight weight, SiteInputs inputs, double sparsity, SparsityPattern pattern);

    /** Frees whatever the pruner precomputed. */
    @Override
    default void close() {}
}
