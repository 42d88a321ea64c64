package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;

/** Grouped-query causal self-attention (Ainslie et al. 2023) with rotary positions. */
final class Attention {
    private Attention() {}

    /**
     * @param x (B, T, d) normalised hidden state
     * @param kvHeadsRead the leading KV heads the queries read: all of them, or fewer at an elastic
     *     level (whose q and o hold only those heads' query heads); keys and values of every head
     *     are still computed and stored
     * @return (B, T, d)
     */
    static NDArray forward(NDArray x, AttentionWeights w, int layer, int headDim, int kvHeadsRead, Rope rope, Constants c,
                           ForwardContext ctx) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = w.numHeads(headDim);
        int kvHeads = w.numKvHeads(headDim);
        Instrumentation obs = ctx.instrumentation();
        if (obs.active() && obs.observes(LinearSite.ATTN_QKV)) {
            obs.linearInput(layer, LinearSite.ATTN_QKV, -1, ctx.realRows(x.reshape(b * t, -1)));
        }
        NDArray q = project(x, w.q(), w.qBias(), heads, headDim); // (B, nh, T, hs)
        NDArray k = project(x, w.k(), w.kBias(), kvHeads, headDim); // (B, nkv, T, hs)
        NDArray v = project(x, w.v(), w.vBias(), kvHeads, headDim);
        q = rope.apply(q, ctx.positions());
        k = rope.apply(k, ctx.positions());
        NDList kv = ctx.keysValues(layer, k, v); // each (B, nkv, S, hs)
        NDArray keys = kv.get(0);
        NDArray values = kv.get(1);
        if (kvHeadsRead < kvHeads) {
            NDIndex read = new NDIndex().addAllDim().addSliceDim(0, kvHeadsRead);
            keys = keys.get(read); // (B, g, S, hs)
            values = values.get(read);
        }
        if (heads != kvHeadsRead) { // query head h reads KV head h / groups
            keys = keys.repeat(1, heads / kvHeadsRead);
            values = values.repeat(1, heads / kvHeadsRead);
        }
        NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).mul(c.attentionScale()).add(ctx.mask()); // (B, nh, T, S)
        NDArray y = scores.softmax(-1).matMul(values) // (B, nh, T, hs)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        if (obs.active() && obs.observes(LinearSite.ATTN_OUT)) {
            obs.linearInput(layer, LinearSite.ATTN_OUT, -1, ctx.realRows(y.reshape(b * t, -1)));
        }
        return Linear.linear(y, w.o()).singletonOrThrow();
    }

    /**
     * Only stores this layer's keys and values, for a layer an elastic level skips: a later step at
     * a level that runs the layer then finds every position in the cache.
     *
     * @param x (B, T, d) normalised hidden state
     */
    static void storeKeysValues(NDArray x, AttentionWeights w, int layer, int headDim, Rope rope, ForwardContext ctx) {
        int kvHeads = w.numKvHeads(headDim);
        NDArray k = rope.apply(project(x, w.k(), w.kBias(), kvHeads, headDim), ctx.positions()); // (B, nkv, T, hs)
        ctx.storeKeysValues(layer, k, project(x, w.v(), w.vBias(), kvHeads, headDim));
    }

    private static NDArray project(NDArray x, NDArray weight, NDArray bias, int heads, int headDim) {
        NDArray y = bias == null ? Linear.linear(x, weight).singletonOrThrow() : Linear.linear(x, weight, bias).singletonOrThrow();
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        return y.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }
}
