package dev.arborist.policies.unstructured;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arborist.model.eval.NextTokenLoss;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.WeightEditor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * |W_ij * dL/dW_ij|, the first-order Taylor estimate of the loss change when a weight is zeroed
 * (SNIP, Lee et al. 2019; Molchanov et al. 2019), compared within each output row. The gradient
 * of the next-token loss is summed over the calibration windows in one backward pass per chunk, on
 * copies of the weights, so the model itself never carries gradients.
 */
public final class GradientSaliency implements WeightImportance {
    /** Windows per backward pass. */
    private static final int CHUNK = 8;

    private final Map<String, float[]> gradients; // name -> (out, in) dL/dW

    private GradientSaliency(Map<String, float[]> gradients) {
        this.gradients = gradients;
    }

    /** Takes the loss gradient of every prunable weight over the calibration windows. */
    public static GradientSaliency measure(LanguageModel model, CalibrationSet calibration) {
        if (calibration.length() < 2) {
            throw new IllegalArgumentException("gradient saliency needs calibration windows of at least 2 tokens");
        }
        try (NDManager m = model.manager().newSubManager()) {
            WeightEditor editor = new WeightEditor(model.config(), model.transformer().weights(), m);
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (PrunableWeight w : DecoderLinears.all(model.transformer().weights(), editor::get)) {
                NDArray copy = w.weight().duplicate();
                copy.attach(m);
                copy.setRequiresGradient(true);
                editor.put(w.name(), copy);
                params.put(w.name(), copy);
            }
            accumulate(model.transformer().withWeights(editor.build().weights()), calibration, m);
            Map<String, float[]> gradients = new HashMap<>();
            params.forEach((name, p) -> gradients.put(name, p.getGradient().toFloatArray()));
            return new GradientSaliency(gradients);
        }
    }

    /** Sums the gradients of the mean next-token loss of each chunk. DJL allows one open collector per JVM. */
    private static void accumulate(Transformer model, CalibrationSet calibration, NDManager m) {
        int t = calibration.length();
        CausalContext ctx = new CausalContext(m, t - 1);
        int[][] windows = calibration.windows();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            for (int first = 0; first < windows.length; first += CHUNK) {
                int b = Math.min(CHUNK, windows.length - first);
                long[] ids = new long[b * t];
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        ids[i * t + j] = windows[first + i][j];
                    }
                }
                try (NDScope scope = new NDScope()) {
                    NDArray loss = NextTokenLoss.perToken(model, m.create(ids, new Shape(b, t)), ctx).mean();
                    collector.backward(loss);
                }
            }
        }
    }

    @Override
    public InputStatistic needs() {
        return InputStatistic.NONE;
    }

    @Override
    public Comparison comparison() {
        return Comparison.PER_ROW;
    }

    @Override
    public Scores score(PrunableWeight weight, SiteInputs inputs) {
        float[] g = gradients.get(weight.name());
        if (g == null) {
            throw new IllegalArgumentException("no gradient was taken for " + weight.name());
        }
        float[] w = weight.values();
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i] * g[i]);
        }
        return new Scores(weight.rows(), weight.cols(), w);
    }
}
