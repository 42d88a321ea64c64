package dev.arborist.policies.structured;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;

/**
 * Runs the dense model once over the calibration windows with an observer attached. Structured
 * criteria score units of the dense model, so unlike Wanda/SparseGPT they need no layer-by-layer
 * walk that re-runs pruned layers.
 */
public final class CalibrationPass {
    /** Windows per forward pass: enough rows for efficient matmuls, few enough to bound (B, T, f) activations. */
    private static final int WINDOWS_PER_BATCH = 8;

    private CalibrationPass() {}

    public static void run(LanguageModel model, CalibrationSet calibration, Instrumentation observer) {
        Transformer transformer = model.transformer();
        int length = calibration.length();
        if (length > model.config().maxPositions()) {
            throw new IllegalArgumentException("calibration windows of " + length + " tokens exceed the model's "
                    + model.config().maxPositions() + " positions; cut shorter windows");
        }
        int[][] windows = calibration.windows();
        for (int first = 0; first < windows.length; first += WINDOWS_PER_BATCH) {
            int n = Math.min(WINDOWS_PER_BATCH, windows.length - first);
            long[] ids = new long[n * length];
            for (int b = 0; b < n; b++) {
                for (int t = 0; t < length; t++) {
                    ids[b * length + t] = windows[first + b][t];
                }
            }
            // The scope frees intermediates that ops attach to the weights' manager (e.g. the embedding lookup).
            try (NDManager scratch = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                CausalContext ctx = new CausalContext(scratch, length);
                ctx.instrument(observer);
                transformer.hidden(scratch.create(ids, new Shape(n, length)), ctx);
            }
        }
    }
}
