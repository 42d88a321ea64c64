package dev.arborist.serving;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;
import dev.arborist.policies.control.PolicyTable;

/**
 * One servable variant of the base model: the dense model itself, a pruning plan applied to it,
 * or an elastic plan (the permuted model and its ladder). Each version has a KV cache of its own,
 * because a materialised plan may change the cache shape (fewer layers or KV heads); a sequence
 * keeps its version, and so its cache, until it finishes. Within an elastic version a sequence
 * may change rung between steps: all rungs share the cache.
 *
 * @param id the plan id, or {@link #DENSE}
 * @param transformer the model over this version's weights; for an elastic version its full width
 * @param cache maxBatch slots for this version's sequences
 * @param sparsity achieved overall sparsity, 0 for the dense model
 * @param weights owns the plan-applied weights and the cache; null for the dense model (the
 *     {@link LoadedModel} owns those)
 * @param elastic the ladder and rung choice of an elastic plan; null for every other version
 */
record ModelVersion(String id, Transformer transformer, KvCache cache, double sparsity, NDManager weights, ElasticVersion elastic)
        implements AutoCloseable {
    static final String DENSE = "dense";
    /** What {@link #rungFor} answers for a version without a ladder. */
    static final int NO_RUNG = -1;

    /** A version without a ladder. */
    ModelVersion(String id, Transformer transformer, KvCache cache, double sparsity, NDManager weights) {
        this(id, transformer, cache, sparsity, weights, null);
    }

    static ModelVersion dense(Transformer transformer, KvCache cache) {
        return new ModelVersion(DENSE, transformer, cache, 0, null);
    }

    /** The rung a request with these features runs at now; {@link #NO_RUNG} without a ladder. */
    int rungFor(PolicyTable.Features features) {
        return elastic == null ? NO_RUNG : elastic.selector().rungFor(features);
    }

    /** The model that runs {@code rung} ({@link #NO_RUNG}: the version's only model). */
    Transformer at(int rung) {
        return rung == NO_RUNG ? transformer : elastic.at(rung);
    }

    /** The plan id telemetry reports: null for the dense base. */
    String planId() {
        return DENSE.equals(id) && weights == null ? null : id;
    }

    /** Frees a plan's level views, weights and cache; the dense version is freed with its model instead. */
    @Override
    public void close() {
        if (weights != null) {
            if (elastic != null) {
                elastic.close();
            }
            cache.close();
            weights.close();
        }
    }
}
