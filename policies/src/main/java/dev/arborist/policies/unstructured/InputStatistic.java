package dev.arborist.policies.unstructured;

/** What a layer-wise method needs to know about the inputs of the weights it prunes. */
public enum InputStatistic {
    /** Nothing: the weights alone decide (magnitude, precomputed gradients). */
    NONE,
    /** ||X_j||_2 per input channel j (Wanda). */
    CHANNEL_NORMS,
    /** X^T X per input site (SparseGPT); includes the channel norms. */
    HESSIAN
}
