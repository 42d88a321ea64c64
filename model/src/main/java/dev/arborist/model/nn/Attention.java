package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;

/** Grouped-query causal self-attention (Ainslie et al. 2023) with rotary positions. */
final class Attention {
    private Attention() {}

    /**
     * @param x (B, T, d) normalised hidden state
     * @return (B, T, d)
     */
    static NDArray forward(NDArray x, AttentionWeights w, int layer, int headDim, Rope rope, Constants c, ForwardContext ctx) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = w.numHeads(headDim);
        int kvHeads = w.numKvHeads(headDim);
        Instrumentation obs = ctx.instrumentation();
        if (obs.active()) {
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
        if (heads != kvHeads) { // query head h reads KV head h / groups
            keys = keys.repeat(1, heads / kvHeads);
            values = values.repeat(1, heads / kvHeads);
        }
        NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).mul(c.attentionScale()).add(ctx.mask()); // (B, nh, T, S)
        NDArray y = scores.softmax(-1).matMul(values) // (B, nh, T, hs)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        if (obs.active()) {
            obs.linearInput(layer, LinearSite.ATTN_OUT, -1, ctx.realRows(y.reshape(b * t, -1)));
        }
        return Linear.linear(y, w.o()).singletonOrThrow();
    }

    private static NDArray project(NDArray x, NDArray weight, NDArray bias, int heads, int headDim) {
        NDArray y = bias == null ? Linear.linear(x, weight).singletonOrThrow() : Linear.linear(x, weight, bias).singletonOrThrow();
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        return y.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }
}
