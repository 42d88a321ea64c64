package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.Mask;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.TensorMask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationWalkerTest {

    @TempDir
    Path dir;

    /** Walks the model, pruning all of layer 0 or nothing, and records each layer's q/k/v input norms. */
    private static Map<Integer, double[]> walk(LanguageModel model, CalibrationSet calibration, boolean zeroFirstLayer) {
        Map<Integer, double[]> norms = new HashMap<>();
        new CalibrationWalker(model, calibration).walk(InputStatistic.CHANNEL_NORMS, (layer, stats, editor) -> {
            norms.put(layer, stats.channels(layer, LinearSite.ATTN_QKV, -1).norms());
            List<PlanEntry> entries = new ArrayList<>();
            if (layer == 0 && zeroFirstLayer) {
                for (PrunableWeight w : DecoderLinears.of(0, model.transformer().weights().layers().get(0), editor::get)) {
                    BitSet all = new BitSet();
                    all.set(0, w.rows() * w.cols());
                    entries.add(new TensorMask(w.name(), new Mask(w.rows(), w.cols(), all)));
                }
            }
            return entries;
        }, (d, t) -> {});
        return norms;
    }

    @Test
    @DisplayName("each layer calibrates on the outputs of the pruned layers before it")
    void sequential() throws Exception {
        try (LanguageModel model = Fixtures.saved(TinyModels.llama(), dir, 4)) {
            CalibrationSet calibration = Fixtures.calibration(97, 4, 16, 5);
            Map<Integer, double[]> zeroed = walk(model, calibration, true);
            Map<Integer, double[]> dense = walk(model, calibration, false);
            // Layer 0 fully pruned is the identity (x + 0 + 0), and both input norms are ones: layer 1 sees layer 0's input.
            assertThat(zeroed.get(1)).containsExactly(zeroed.get(0), within(1e-3));
            assertThat(dense.get(1)).isNotEqualTo(dense.get(0));
        }
    }

    @Test
    @DisplayName("Wanda keeps the weights of the channel with large activations that magnitude would prune")
    void wandaWeighsByActivations() {
        try (NDManager m = Engines.newManager(); ActivationStatistics stats = new ActivationStatistics(0, false, m)) {
            SiteKey site = new SiteKey(0, LinearSite.FFN_OUT, -1);
            int rows = 6;
            int cols = 8;
            float[] x = new float[64 * cols];
            float[] w = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % cols == 3 ? 100f : 1f) * (float) Math.sin(i * 0.37);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (i % cols == 3 ? 0.1f : 1f) * (1 + i % 5); // channel 3 has the smallest weights
            }
            stats.linearInput(0, site.site(), -1, m.create(x, new Shape(64, cols)));
            PrunableWeight weight = new PrunableWeight("w", site, m.create(w, new Shape(rows, cols)));
            Mask wanda = ((TensorMask) new ScoreMasking(new Wanda()).prune(weight, SiteInputs.of(stats, site), 0.5, new Unstructured())).mask();
            Mask magnitude = ((TensorMask) new ScoreMasking(new Magnitude()).prune(weight, SiteInputs.of(stats, site), 0.5,
                    new Unstructured())).mask();
            for (int r = 0; r < rows; r++) {
                assertThat(wanda.isPruned(r, 3)).as("row %d", r).isFalse();
                assertThat(magnitude.isPruned(r, 3)).as("row %d", r).isTrue();
            }
        }
    }
}
