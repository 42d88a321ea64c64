package dev.arborist.policies.elastic;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.AttentionWeights;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.MlpWeights;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.MoeWeights;

/**
 * Estimated cost of one batched decode step at a level, relative to dense: the weights the step
 * reads (decode is memory-bound) plus a fixed per-op overhead per layer that runs. An expert's
 * weights are read once per step if any token of the batch routes to it; under uniform routing
 * with k' experts per token that is e * (1 - (1 - k'/e)^B) distinct experts.
 */
final class DecodeCost {
    /**
     * Share of a dense decode step spent on per-op overhead (JNI calls, dispatch, small ops) rather
     * than weight traffic; bench/run decode measured 36% at batch 1 on the bundled model.
     */
    static final double OVERHEAD_SHARE = 0.35;
    /** A skipped layer still runs its input norm, k/v projections, RoPE and cache write: about a quarter of a layer's ops. */
    static final double SKIPPED_LAYER_OPS = 0.25;

    private final ModelConfig config;
    private final ModelWeights full;
    private final int batch;
    private final double layerOverhead; // in weights-read units
    private final double dense;

    /** @param batch sequences decoded together (weights of a used expert are read once per step) */
    DecodeCost(ModelConfig config, ModelWeights full, int batch) {
        this.config = config;
        this.full = full;
        this.batch = batch;
        Level denseLevel = Level.dense(config);
        double weights = weightsRead(denseLevel, config.isMoe() ? config.expertsPerToken() : 0);
        this.layerOverhead = OVERHEAD_SHARE / (1 - OVERHEAD_SHARE) * weights / config.numLayers();
        this.dense = weights + layerOverhead * config.numLayers();
    }

    /** @param expertsPerToken experts actually run per token in a MoE layer (below k when second experts are skipped) */
    double relative(Level level, double expertsPerToken) {
        int skipped = level.skippedLayers().size();
        double overhead = layerOverhead * (config.numLayers() - skipped + SKIPPED_LAYER_OPS * skipped);
        return (weightsRead(level, expertsPerToken) + overhead) / dense;
    }

    private double weightsRead(Level level, double expertsPerToken) {
        double sum = full.lmHead().getShape().size();
        for (int l = 0; l < full.layers().size(); l++) {
            LayerWeights w = full.layers().get(l);
            AttentionWeights a = w.attention();
            double kv = a.k().getShape().size() + a.v().getShape().size(); // always computed: the cache stays complete
            if (level.skips(l)) {
                sum += kv;
                continue;
            }
            int hs = config.headDim();
            double keptQueryShare = (double) level.kvGroupsKept() / a.numKvHeads(hs);
            sum += kv + keptQueryShare * (a.q().getShape().size() + a.o().getShape().size());
            sum += w.isMoe() ? moe(w.moe(), level, expertsPerToken) : mlp(w.mlp(), level);
        }
        return sum;
    }

    private double moe(MoeWeights m, Level level, double expertsPerToken) {
        int e = level.expertsKept();
        double perExpert = 0;
        for (int i = 0; i < e; i++) {
            perExpert += mlp(m.experts().get(i), level) / e;
        }
        double chosen = Math.min(expertsPerToken, e);
        double used = e * (1 - Math.pow(1 - chosen / e, batch)); // expected distinct experts per step
        return (double) e * config.hiddenSize() + used * perExpert;
    }

    private static double mlp(MlpWeights w, Level level) {
        long d = w.gate().getShape().get(1);
        return 3.0 * d * level.keptChannels(w.width());
    }
}
