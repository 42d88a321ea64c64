package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.arborist.model.config.ModelConfig;

/**
 * A decoder-only transformer (Llama, Mistral, Qwen2 or Mixtral) over a set of weights. Immutable:
 * pruning produces a new instance over new weights, so a running request keeps the version it
 * started with.
 */
public final class Transformer {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Rope rope;
    private final Constants constants;

    /** @param manager owns the position tables and constants (not the weights) */
    public Transformer(ModelConfig config, ModelWeights weights, NDManager manager) {
        this(config, weights, new Rope(manager, config.headDim(), config.maxPositions(), config.ropeTheta()),
                Constants.of(manager, config.rmsNormEps(), config.headDim()));
    }

    private Transformer(ModelConfig config, ModelWeights weights, Rope rope, Constants constants) {
        this.config = config;
        this.weights = weights;
        this.rope = rope;
        this.constants = constants;
    }

    /** The same architecture over other weights (e.g. a pruned variant); shares the tables. */
    public Transformer withWeights(ModelWeights newWeights) {
        return new Transformer(config, newWeights, rope, constants);
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    /**
     * @param tokens (B, T) int64
     * @return (B, T, d) the final-normed hidden state
     */
    public NDArray hidden(NDArray tokens, ForwardContext ctx) {
        NDArray x = embed(tokens);
        for (int l = 0; l < weights.layers().size(); l++) {
            x = layer(l, x, ctx);
        }
        return finalNorm(x);
    }

    /** @param tokens (B, T) int64 @return (B, T, d) */
    public NDArray embed(NDArray tokens) {
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        return weights.embed().get(new NDIndex("{}", tokens.flatten())).reshape(b, t, -1);
    }

    /** One decoder layer, for layer-by-layer calibration. @param x (B, T, d) @return (B, T, d) */
    public NDArray layer(int index, NDArray x, ForwardContext ctx) {
        return DecoderLayer.forward(x, weights.layers().get(index), index, config.headDim(), rope, constants, ctx);
    }

    /** @param x (B, T, d) residual stream after the last layer */
    public NDArray finalNorm(NDArray x) {
        return RmsNorm.forward(x, weights.finalNorm(), constants.rmsEps());
    }

    /** @param hidden (..., d) @return (..., V) */
    public NDArray logits(NDArray hidden) {
        return Linear.linear(hidden, weights.lmHead()).singletonOrThrow();
    }

    /** Logits of each row's last new token. @return (B, V) */
    public NDArray nextTokenLogits(NDArray tokens, CachedContext ctx) {
        NDArray h = hidden(tokens, ctx);
        NDArray flat = h.reshape(-1, h.getShape().get(2));
        NDArray last = flat.get(new NDIndex("{}", flat.getManager().create(ctx.lastRows())));
        return logits(last);
    }

    /** A cache for {@code slots} concurrent sequences of up to {@code capacity} tokens. */
    public KvCache newCache(NDManager manager, int slots, int capacity) {
        int[] kvHeads = new int[weights.layers().size()];
        for (int l = 0; l < kvHeads.length; l++) {
            kvHeads[l] = weights.layers().get(l).attention().numKvHeads(config.headDim());
        }
        return new KvCache(manager, kvHeads, config.headDim(), slots, Math.min(capacity, config.maxPositions()));
    }
}
