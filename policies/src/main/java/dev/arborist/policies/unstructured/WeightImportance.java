package dev.arborist.policies.unstructured;

/** A score per weight; the lowest are pruned (Torch-Pruning's Importance). */
public interface WeightImportance extends AutoCloseable {

    InputStatistic needs();

    /** Which weights a score is compared against. */
    Comparison comparison();

    /** @return (out, in) scores of the weight's entries */
    Scores score(PrunableWeight weight, SiteInputs inputs);

    /** Frees whatever the importance precomputed. */
    @Override
    default void close() {}
}
