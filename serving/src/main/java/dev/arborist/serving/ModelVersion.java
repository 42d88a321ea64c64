package dev.arborist.serving;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;

/**
 * One servable variant of the base model: the dense model itself or a pruning plan applied to it.
 * Each version has a KV cache of its own, because a materialised plan may change the cache shape
 * (fewer layers or KV heads); a sequence keeps its version, and so its cache, until it finishes.
 *
 * @param id the plan id, or {@link #DENSE}
 * @param transformer the model over this version's weights
 * @param cache maxBatch slots for this version's sequences
 * @param sparsity achieved overall sparsity, 0 for the dense model
 * @param weights owns the plan-applied weights and the cache; null for the dense model (the
 *     {@link LoadedModel} owns those)
 */
record ModelVersion(String id, Transformer transformer, KvCache cache, double sparsity, NDManager weights) implements AutoCloseable {
    static final String DENSE = "dense";

    static ModelVersion dense(Transformer transformer, KvCache cache) {
        return new ModelVersion(DENSE, transformer, cache, 0, null);
    }

    /** Frees a plan's weights and cache; the dense version is freed with its model instead. */
    @Override
    public void close() {
        if (weights != null) {
            cache.close();
            weights.close();
        }
    }
}
