package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.eval.NextTokenLoss;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.WeightEditor;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientSaliencyTest {
    @TempDir
    Path dir;

    /** Mean next-token loss over the windows with one weight entry changed. */
    private static double loss(LanguageModel model, CalibrationSet calibration, String name, int index, float delta) {
        try (NDManager m = model.manager().newSubManager()) {
            WeightEditor editor = new WeightEditor(model.config(), model.transformer().weights(), m);
            float[] w = editor.get(name).toFloatArray();
            w[index] += delta;
            editor.put(name, m.create(w, editor.get(name).getShape()));
            int t = calibration.length();
            long[] ids = new long[calibration.count() * t];
            for (int i = 0; i < calibration.count(); i++) {
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = calibration.windows()[i][j];
                }
            }
            NDArray windows = m.create(ids, new Shape(calibration.count(), t));
            return NextTokenLoss.perToken(model.transformer().withWeights(editor.build().weights()), windows, new CausalContext(m, t - 1))
                    .mean().getFloat();
        }
    }

    @Test
    @DisplayName("the saliency is |w * dL/dw| with the gradient of the calibration loss, and the model gets no gradients")
    void matchesFiniteDifferences() throws Exception {
        try (LanguageModel model = Fixtures.saved(TinyModels.mixtral(), dir, 6)) {
            CalibrationSet calibration = Fixtures.calibration(97, 4, 24, 7); // one chunk: the gradient of one mean loss
            String name = WeightNames.attention(1, "v");
            GradientSaliency saliency = GradientSaliency.measure(model, calibration);
            NDArray base = model.transformer().weights().layers().get(1).attention().v();
            PrunableWeight weight = new PrunableWeight(name, new SiteKey(1, LinearSite.ATTN_QKV, -1), base);
            float[] scores = saliency.score(weight, SiteInputs.of(null, weight.site())).values();
            int top = 0;
            for (int i = 1; i < scores.length; i++) {
                top = scores[i] > scores[top] ? i : top;
            }
            float h = 0.05f;
            double numeric = (loss(model, calibration, name, top, h) - loss(model, calibration, name, top, -h)) / (2 * h);
            double w = weight.values()[top];
            assertThat(scores[top]).isCloseTo((float) Math.abs(w * numeric), within((float) (0.05 * scores[top])));
            assertThat(base.hasGradient()).isFalse();
        }
    }
}
