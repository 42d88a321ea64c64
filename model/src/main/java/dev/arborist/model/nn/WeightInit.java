package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random weights for a config: N(0, 0.02) for matrices, residual output projections scaled
 * by 1/sqrt(2L) as in GPT-2 (Radford et al. 2019), ones for norms. Generated in Java so that the
 * same seed gives the same model on any engine.
 */
public final class WeightInit {
    private WeightInit() {}

    public static ModelWeights random(ModelConfig config, NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers());
        Map<String, NDArray> tensors = new HashMap<>();
        long d = config.hiddenSize();
        long q = (long) config.numHeads() * config.headDim();
        long kv = (long) config.numKvHeads() * config.headDim();
        long f = config.intermediateSize();
        tensors.put(WeightNames.EMBED, normal(manager, random, 0.02, config.vocabSize(), d));
        tensors.put(WeightNames.LM_HEAD, normal(manager, random, 0.02, config.vocabSize(), d));
        tensors.put(WeightNames.FINAL_NORM, manager.ones(new Shape(d)));
        for (int l = 0; l < config.numLayers(); l++) {
            tensors.put(WeightNames.inputNorm(l), manager.ones(new Shape(d)));
            tensors.put(WeightNames.postNorm(l), manager.ones(new Shape(d)));
            tensors.put(WeightNames.attention(l, "q"), normal(manager, random, 0.02, q, d));
            tensors.put(WeightNames.attention(l, "k"), normal(manager, random, 0.02, kv, d));
            tensors.put(WeightNames.attention(l, "v"), normal(manager, random, 0.02, kv, d));
            tensors.put(WeightNames.attention(l, "o"), normal(manager, random, residualStd, d, q));
            if (config.architecture().qkvBias()) {
                tensors.put(WeightNames.attentionBias(l, "q"), normal(manager, random, 0.02, q));
                tensors.put(WeightNames.attentionBias(l, "k"), normal(manager, random, 0.02, kv));
                tensors.put(WeightNames.attentionBias(l, "v"), normal(manager, random, 0.02, kv));
            }
            if (config.isMoe()) {
                tensors.put(WeightNames.router(l), normal(manager, random, 0.02, config.numExperts(), d));
                for (int e = 0; e < config.numExperts(); e++) {
                    tensors.put(WeightNames.expert(l, e, "w1"), normal(manager, random, 0.02, f, d));
                    tensors.put(WeightNames.expert(l, e, "w3"), normal(manager, random, 0.02, f, d));
                    tensors.put(WeightNames.expert(l, e, "w2"), normal(manager, random, residualStd, d, f));
                }
            } else {
                tensors.put(WeightNames.mlp(l, "gate"), normal(manager, random, 0.02, f, d));
                tensors.put(WeightNames.mlp(l, "up"), normal(manager, random, 0.02, f, d));
                tensors.put(WeightNames.mlp(l, "down"), normal(manager, random, residualStd, d, f));
            }
        }
        return WeightAssembler.assemble(config, WeightAssembler.Tensors.of(tensors, "random init"));
    }

    private static NDArray normal(NDManager manager, SplittableRandom random, double std, long... shape) {
        int n = (int) new Shape(shape).size();
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (gaussian(random) * std);
        }
        return manager.create(data, new Shape(shape));
    }

    /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
