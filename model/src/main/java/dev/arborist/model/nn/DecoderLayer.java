package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.Instrumentation;

/** Pre-norm decoder layer: h = x + attn(norm(x)); out = h + ffn(norm(h)). */
final class DecoderLayer {
    private DecoderLayer() {}

    /**
     * @param x (B, T, d)
     * @param kvHeadsRead leading KV heads the attention reads (see Attention#forward)
     * @return (B, T, d)
     */
    static NDArray forward(NDArray x, LayerWeights w, int layer, int headDim, int kvHeadsRead, Rope rope, Constants c,
                           ForwardContext ctx) {
        NDArray h = x.add(Attention.forward(RmsNorm.forward(x, w.inputNorm(), c.rmsEps()), w.attention(), layer, headDim, kvHeadsRead,
                rope, c, ctx));
        NDArray n = RmsNorm.forward(h, w.postNorm(), c.rmsEps());
        NDArray ffn = w.isMoe()
                ? MoeLayer.forward(n, w.moe(), layer, ctx)
                : FeedForward.forward(n, w.mlp(), layer, -1, ctx.instrumentation(), ctx);
        NDArray out = h.add(ffn);
        Instrumentation obs = ctx.instrumentation();
        if (obs.active()) {
            long d = x.getShape().get(2);
            obs.blockIO(layer, ctx.realRows(x.reshape(-1, d)), ctx.realRows(out.reshape(-1, d)));
        }
        return out;
    }

    /**
     * A skipped layer is the identity on the residual stream; with a KV cache it still stores its
     * keys and values (input norm + k/v projections), so switching to a level that runs it later
     * in the sequence attends over complete history.
     *
     * @param x (B, T, d) @return x
     */
    static NDArray skip(NDArray x, LayerWeights w, int layer, int headDim, Rope rope, Constants c, ForwardContext ctx) {
        if (ctx.cachesKeysValues()) {
            Attention.storeKeysValues(RmsNorm.forward(x, w.inputNorm(), c.rmsEps()), w.attention(), layer, headDim, rope, ctx);
        }
        return x;
    }
}
