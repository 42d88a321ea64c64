package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.arborist.model.config.ModelConfig;
import java.util.Optional;

/**
 * A decoder-only transformer (Llama, Mistral, Qwen2 or Mixtral) over a set of weights. Immutable:
 * pruning produces a new instance over new weights, so a running request keeps the version it
 * started with. {@link #atLevel} runs the same resident weights at an elastic {@link Level}.
 */
public final class Transformer {
    private final ModelConfig config;
    private final ModelWeights weights; // what runs: the full weights, or a level's prefix views of them
    private final ModelWeights full; // what every level slices
    private final Level level; // null: the weights run as they are
    private final int[] kvHeadsRead; // per layer; 0 for a skipped layer
    private final Rope rope;
    private final Constants constants;

    /** @param manager owns the position tables and constants (not the weights) */
    public Transformer(ModelConfig config, ModelWeights weights, NDManager manager) {
        this(config, weights, weights, null, new Rope(manager, config.headDim(), config.maxPositions(), config.ropeTheta()),
                Constants.of(manager, config.rmsNormEps(), config.headDim()));
    }

    private Transformer(ModelConfig config, ModelWeights weights, ModelWeights full, Level level, Rope rope, Constants constants) {
        this.config = config;
        this.weights = weights;
        this.full = full;
        this.level = level;
        this.rope = rope;
        this.constants = constants;
        this.kvHeadsRead = new int[weights.layers().size()];
        for (int l = 0; l < kvHeadsRead.length; l++) {
            int all = weights.layers().get(l).attention().numKvHeads(config.headDim());
            kvHeadsRead[l] = level == null ? all : level.skips(l) ? 0 : level.kvGroupsKept();
        }
    }

    /** The same architecture over other weights (e.g. a pruned variant); shares the tables. The result runs them whole. */
    public Transformer withWeights(ModelWeights newWeights) {
        return new Transformer(config, newWeights, newWeights, null, rope, constants);
    }

    /**
     * This model's full weights run at {@code level}: prefix-slice views (see {@link LevelViews}), no
     * copy, so switching levels costs nothing but these views. With importance-ordered weights
     * (the elastic plan's permutation) each prefix keeps the most important units.
     *
     * <p>Levels can change between decode steps of one sequence over the same {@link KvCache}: every
     * level writes the keys and values of every KV head of every layer, skipped layers included.
     *
     * <p>Column prefixes (down_proj, o_proj) are strided views. Measured with DJL/PyTorch on one CPU
     * thread, a (8, 256) x (256, 256)^T linear over a column view of a (256, 512) matrix took ~38 us
     * against ~36 us for a contiguous copy (batch 1: ~11 vs ~10 us), so storing down transposed (as
     * DESIGN.md suggests) would buy a few percent on those matmuls; not worth a second layout yet.
     *
     * @param views owns the views; closing it frees them (never the weights). {@link ElasticModel}
     *     keeps one set of views per level.
     */
    public Transformer atLevel(Level level, NDManager views) {
        level.requireFits(config);
        return new Transformer(config, LevelViews.of(full, level, config.headDim(), views), full, level, rope, constants);
    }

    /** The level this instance runs at; empty when it runs its weights whole. */
    public Optional<Level> level() {
        return Optional.ofNullable(level);
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
        LayerWeights w = weights.layers().get(index);
        return kvHeadsRead[index] == 0
                ? DecoderLayer.skip(x, w, index, config.headDim(), rope, constants, ctx)
                : DecoderLayer.forward(x, w, index, config.headDim(), kvHeadsRead[index], rope, constants, ctx);
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

    /** A cache for {@code slots} concurrent sequences of up to {@code capacity} tokens; every level of this model can use it. */
    public KvCache newCache(NDManager manager, int slots, int capacity) {
        int[] kvHeads = new int[weights.layers().size()];
        for (int l = 0; l < kvHeads.length; l++) {
            kvHeads[l] = weights.layers().get(l).attention().numKvHeads(config.headDim());
        }
        return new KvCache(manager, kvHeads, config.headDim(), slots, Math.min(capacity, config.maxPositions()));
    }
}
