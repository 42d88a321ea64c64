package dev.arborist.policies.structured;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.WeightEditor;
import java.util.SplittableRandom;

/** Tiny random models, calibration text and logits for the structured pruning tests. */
public final class TestModels {
    public static final long[] PROMPT = {5, 17, 3, 88, 42, 9, 61, 23, 70, 11, 2, 64};

    private TestModels() {}

    /** A model with seeded random weights; closing it frees them. */
    public static LanguageModel random(ModelConfig config, long seed) {
        NDManager manager = Engines.newManager();
        return LanguageModel.of(config, WeightInit.random(config, manager, seed), manager);
    }

    /** Uniformly random token windows. */
    public static CalibrationSet calibration(ModelConfig config, int count, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] w = new int[count][length];
        for (int[] row : w) {
            for (int t = 0; t < length; t++) {
                row[t] = random.nextInt(config.vocabSize());
            }
        }
        return new CalibrationSet(w);
    }

    /** @return (T*V) logits of every position of {@code tokens}, without a cache */
    public static float[] logits(ModelConfig config, ModelWeights weights, NDManager parent, long[] tokens) {
        try (NDManager m = parent.newSubManager()) {
            Transformer t = new Transformer(config, weights, m);
            return t.logits(t.hidden(m.create(tokens, new Shape(1, tokens.length)), new CausalContext(m, tokens.length))).toFloatArray();
        }
    }

    public static float[] logits(WeightEditor.Result model, NDManager parent) {
        return logits(model.config(), model.weights(), parent, PROMPT);
    }

    public static float[] logits(LanguageModel model) {
        return logits(model.config(), model.transformer().weights(), model.manager(), PROMPT);
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
