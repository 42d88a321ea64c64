package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.Mask;
import dev.arborist.policies.plan.TensorMask;
import dev.arborist.policies.plan.TensorUpdate;
import dev.arborist.policies.structured.CalibrationPass;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SparseGPT against Wanda on the bundled model's real activations from its calibration text. */
class SparseGptRealDataTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");

    @ParameterizedTest(name = "layer {0} {1} expert {2}")
    @CsvSource({"0, ATTN_QKV, -1", "3, ATTN_OUT, -1", "2, FFN_IN, 0"})
    @DisplayName("SparseGPT's layer reconstruction error ||WX - W'X|| is below Wanda's at 50% on real calibration data")
    void beatsWandaOnRealActivations(int layer, LinearSite site, int expert) throws Exception {
        try (LanguageModel model = LanguageModel.load(MODEL); HfTokenizer tokenizer = HfTokenizer.load(MODEL.resolve("tokenizer.json"));
             ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), true, model.manager())) {
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(MODEL.resolve("calib.txt"), tokenizer), 16, 128);
            CalibrationPass.run(model, calibration, stats);
            SiteKey key = new SiteKey(layer, site, expert);
            String name = WeightNames.readersOf(layer, site, expert, true)[0];
            NDArray w = weightByName(model, name);
            PrunableWeight weight = new PrunableWeight(name, key, w);
            SiteInputs inputs = SiteInputs.of(stats, key);
            TensorUpdate sparse = (TensorUpdate) new SparseGpt().prune(weight, inputs, 0.5, new Unstructured());
            TensorMask wanda = (TensorMask) new ScoreMasking(new Wanda()).prune(weight, inputs, 0.5, new Unstructured());
            NDArray gram = stats.gramian(key); // sum over tokens of x x^T, so ||(W - W')X^T||^2 = tr(D H D^T)
            double sparseError = error(w, sparse.dense(), gram);
            double wandaError = error(w, masked(weight.values(), wanda.mask()), gram);
            assertThat(sparse.mask().sparsity()).isEqualTo(0.5);
            assertThat(sparseError).isLessThan(wandaError);
        }
    }

    private static NDArray weightByName(LanguageModel model, String name) {
        Map<String, NDArray> named = WeightExport.named(model.config(), model.transformer().weights());
        return named.get(name);
    }

    private static double error(NDArray w, float[] pruned, NDArray gram) {
        try (NDManager m = gram.getManager().newSubManager()) {
            NDArray d = w.sub(m.create(pruned, w.getShape())); // (out, in)
            return d.matMul(gram).mul(d).sum().getFloat();
        }
    }

    private static float[] masked(float[] w, Mask mask) {
        float[] out = w.clone();
        for (int i = 0; i < out.length; i++) {
            if (mask.isPruned(i)) {
                out[i] = 0;
            }
        }
        return out;
    }
}
