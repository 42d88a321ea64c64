package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a {@link Level} as prefix-slice views of the full weights: no copy, no reload.
 * Row prefixes (gate/up, q, router) are contiguous; column prefixes (down, o) are strided views
 * with the full row stride, which BLAS reads directly (measured: within ~5-10% of a contiguous
 * copy at decode batch sizes; see Transformer#atLevel).
 *
 * <p>Keys and values are never sliced: every KV head is computed so the cache stays complete and a
 * later, denser step can attend to heads this level does not read.
 */
final class LevelViews {
    private final NDManager owner;
    private final int headDim;

    private LevelViews(NDManager owner, int headDim) {
        this.owner = owner;
        this.headDim = headDim;
    }

    /** @param owner receives the views; closing it frees them and never the full weights */
    static ModelWeights of(ModelWeights full, Level level, int headDim, NDManager owner) {
        LevelViews v = new LevelViews(owner, headDim);
        List<LayerWeights> layers = new ArrayList<>(full.layers().size());
        for (int l = 0; l < full.layers().size(); l++) {
            layers.add(v.layer(full.layers().get(l), l, level));
        }
        return full.withLayers(layers);
    }

    private LayerWeights layer(LayerWeights w, int layer, Level level) {
        if (level.skips(layer)) { // only input norm, k and v are read
            return w;
        }
        AttentionWeights a = attention(w.attention(), layer, level.kvGroupsKept());
        return w.isMoe()
                ? new LayerWeights(w.inputNorm(), a, w.postNorm(), null, moe(w.moe(), layer, level))
                : new LayerWeights(w.inputNorm(), a, w.postNorm(), mlp(w.mlp(), level), null);
    }

    /** KV group g owns query heads g*G .. g*G+G-1 (head h reads KV head h / G), so kept groups are a prefix of q rows and o columns. */
    private AttentionWeights attention(AttentionWeights a, int layer, int groups) {
        int kvHeads = a.numKvHeads(headDim);
        if (groups > kvHeads) {
            throw new IllegalArgumentException("level keeps " + groups + " KV groups but layer " + layer + " has " + kvHeads);
        }
        long qRows = (long) groups * (a.numHeads(headDim) / kvHeads) * headDim;
        return new AttentionWeights(rows(a.q(), qRows), a.k(), a.v(), columns(a.o(), qRows),
                a.qBias() == null ? null : rows(a.qBias(), qRows), a.kBias(), a.vBias());
    }

    /** The first e experts with their router rows: the softmax and top-k run over the kept experts only. */
    private MoeWeights moe(MoeWeights m, int layer, Level level) {
        int e = level.expertsKept();
        if (e < 1 || e > m.numExperts()) {
            throw new IllegalArgumentException("level keeps " + e + " experts but layer " + layer + " has " + m.numExperts());
        }
        List<MlpWeights> experts = new ArrayList<>(e);
        for (int i = 0; i < e; i++) {
            experts.add(mlp(m.experts().get(i), level));
        }
        return new MoeWeights(rows(m.router(), e), experts, Math.min(m.topK(), e), level.skipBeta());
    }

    /** The first f*width channels: rows of gate/up (f, d), leading columns of down (d, f). */
    private MlpWeights mlp(MlpWeights w, Level level) {
        int kept = level.keptChannels(w.width());
        return new MlpWeights(rows(w.gate(), kept), rows(w.up(), kept), columns(w.down(), kept));
    }

    private NDArray rows(NDArray a, long count) {
        return count == a.getShape().get(0) ? a : owned(a.get(new NDIndex().addSliceDim(0, count)));
    }

    private NDArray columns(NDArray a, long count) {
        return count == a.getShape().get(1) ? a : owned(a.get(new NDIndex().addAllDim().addSliceDim(0, count)));
    }

    /** A view made inside a forward step's NDScope would be freed with the step; it belongs to the level. */
    private NDArray owned(NDArray view) {
        NDScope.unregister(view);
        view.attach(owner);
        return view;
    }
}
