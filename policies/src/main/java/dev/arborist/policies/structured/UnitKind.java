package dev.arborist.policies.structured;

import dev.arborist.model.instrument.LinearSite;

/** What one prunable unit of a {@link PruningGroup} is. */
public enum UnitKind {
    /** One intermediate channel of a SwiGLU FFN (dense MLP or one expert). */
    FFN_CHANNEL(LinearSite.FFN_OUT),
    /** One KV head with the query heads that read it (grouped-query attention). */
    KV_GROUP(LinearSite.ATTN_OUT),
    /** One expert of a MoE layer. */
    EXPERT(null),
    /** One whole decoder layer. */
    LAYER(null);

    private final LinearSite readerSite;

    UnitKind(LinearSite readerSite) {
        this.readerSite = readerSite;
    }

    /**
     * The activation site read by the matrix that consumes the units (down_proj, o_proj), whose
     * input channels are the units' dimensions; null when units have no such channels.
     */
    public LinearSite readerSite() {
        return readerSite;
    }
}
