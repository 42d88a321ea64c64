package dev.arborist.policies.unstructured;

/** Which weights compete with each other when the lowest-scoring ones are pruned. */
public enum Comparison {
    /** Every output row loses the same share (Wanda, Sun et al. 2023: per-output comparison). */
    PER_ROW,
    /** The whole matrix competes (magnitude pruning, Han et al. 2015). */
    PER_MATRIX
}
