package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.ForwardContext;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer-wise sequential calibration, as the Wanda and SparseGPT reference code does it
 * (locuslab/wanda lib/prune.py): embed the calibration windows once, then for each layer observe
 * its inputs, let the step decide the layer, apply the decisions and re-run the pruned layer to
 * produce the next layer's inputs. Later layers thus calibrate on what the pruned model computes.
 */
public final class CalibrationWalker {
    /** Windows per forward pass: bounds the activation memory of one pass. */
    private static final int CHUNK = 8;

    /** Decides one layer. */
    @FunctionalInterface
    public interface LayerStep {
        /**
         * @param stats what the layer's inputs looked like; null when the walk collects nothing
         * @param editor the model as pruned so far (this layer still dense)
         * @return entries to apply before the layer is re-run; empty to keep it as it is
         */
        List<PlanEntry> visit(int layer, ActivationStatistics stats, WeightEditor editor);
    }

    private final LanguageModel model;
    private final CalibrationSet calibration;

    public CalibrationWalker(LanguageModel model, CalibrationSet calibration) {
        if (calibration.length() > model.config().maxPositions()) {
            throw new IllegalArgumentException("calibration windows of " + calibration.length()
                    + " tokens exceed the model's context of " + model.config().maxPositions());
        }
        this.model = model;
        this.calibration = calibration;
    }

    /** @return every entry the step returned, in layer order */
    public List<PlanEntry> walk(InputStatistic need, LayerStep step, PruningProgress progress) {
        Transformer base = model.transformer();
        int layers = base.weights().layers().size();
        boolean forward = need != InputStatistic.NONE;
        List<PlanEntry> plan = new ArrayList<>();
        try (NDManager walk = model.manager().newSubManager()) {
            WeightEditor editor = new WeightEditor(model.config(), base.weights(), walk);
            CausalContext ctx = new CausalContext(walk, calibration.length());
            List<NDArray> x = forward ? embed(base, walk) : List.of(); // chunks of (b, T, d)
            for (int l = 0; l < layers; l++) {
                try (ActivationStatistics stats = forward ? new ActivationStatistics(experts(base, l), need == InputStatistic.HESSIAN, walk) : null) {
                    List<NDArray> out = forward ? run(base, l, x, ctx.instrument(stats), walk) : List.of();
                    List<PlanEntry> entries = step.visit(l, stats, editor);
                    entries.forEach(e -> e.applyMasked(editor));
                    plan.addAll(entries);
                    if (forward && !entries.isEmpty() && l + 1 < layers) { // the pruned layer feeds the next one
                        close(out);
                        out = run(base.withWeights(editor.build().weights()), l, x, ctx.instrument(null), walk);
                    }
                    close(x);
                    x = out;
                }
                progress.layersDone(l + 1, layers);
            }
        }
        return plan;
    }

    private static int experts(Transformer model, int layer) {
        LayerWeights w = model.weights().layers().get(layer);
        return w.isMoe() ? w.moe().numExperts() : 0;
    }

    /** @return the calibration windows embedded, in chunks of (b, T, d) owned by {@code keep} */
    private List<NDArray> embed(Transformer model, NDManager keep) {
        int[][] windows = calibration.windows();
        int t = calibration.length();
        List<NDArray> chunks = new ArrayList<>();
        for (int first = 0; first < windows.length; first += CHUNK) {
            int b = Math.min(CHUNK, windows.length - first);
            long[] ids = new long[b * t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = windows[first + i][j];
                }
            }
            try (NDScope scope = new NDScope()) {
                chunks.add(keep(model.embed(keep.create(ids, new Shape(b, t))), keep));
            }
        }
        return chunks;
    }

    /** One layer over every chunk; the temporaries of each pass are freed with its scope. */
    private static List<NDArray> run(Transformer model, int layer, List<NDArray> inputs, ForwardContext ctx, NDManager keep) {
        List<NDArray> out = new ArrayList<>();
        for (NDArray x : inputs) {
            try (NDScope scope = new NDScope()) {
                out.add(keep(model.layer(layer, x, ctx), keep));
            }
        }
        return out;
    }

    private static NDArray keep(NDArray a, NDManager keep) {
        NDScope.unregister(a);
        a.attach(keep);
        return a;
    }

    private static void close(List<NDArray> arrays) {
        arrays.forEach(NDArray::close);
    }
}
