package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.SparsityReport;
import dev.arborist.policies.plan.TensorMask;
import dev.arborist.policies.plan.TensorUpdate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LayerwiseMethodTest {
    private static final List<String> METHODS = List.of("magnitude", "wanda", "sparsegpt", "gradient");

    @TempDir
    static Path dir;

    private static LanguageModel llama;
    private static LanguageModel mixtral;
    private static CalibrationSet calibration;

    @BeforeAll
    static void load() throws Exception {
        llama = Fixtures.saved(TinyModels.llama(), dir.resolve("llama"), 1);
        mixtral = Fixtures.saved(TinyModels.mixtral(), dir.resolve("mixtral"), 2);
        calibration = Fixtures.calibration(97, 8, 32, 3);
    }

    @AfterAll
    static void close() {
        llama.close();
        mixtral.close();
    }

    private static PruningPlan plan(String method, LanguageModel model, double sparsity, Map<String, String> options) {
        return PruningMethods.create(method).plan(new PruningTarget(model, sparsity, options), calibration, (d, t) -> {});
    }

    static Stream<Arguments> methodsAndModels() {
        return METHODS.stream().flatMap(m -> Stream.of(Arguments.of(m, "llama"), Arguments.of(m, "mixtral")));
    }

    private static LanguageModel model(String name) {
        return name.equals("llama") ? llama : mixtral;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("methodsAndModels")
    @DisplayName("every method prunes every decoder linear (not embeddings, lm_head or router) to the requested sparsity")
    void achievesSparsity(String method, String modelName) {
        LanguageModel model = model(modelName);
        long began = System.nanoTime();
        PruningPlan plan = plan(method, model, 0.5, Map.of());
        System.out.printf("%s on tiny %s: %.0f ms%n", method, modelName, (System.nanoTime() - began) / 1e6);
        List<String> expected = new ArrayList<>();
        DecoderLinears.all(model.transformer().weights(), n -> null).forEach(w -> expected.add(w.name()));
        List<String> pruned = plan.entries().stream().map(LayerwiseMethodTest::tensor).toList();
        assertThat(pruned).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(pruned).noneMatch(n -> n.equals(WeightNames.EMBED) || n.equals(WeightNames.LM_HEAD) || n.contains("gate.weight"));
        SparsityReport report = SparsityReport.measure(plan, model);
        assertThat(report.tensors().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(report.overall()).isCloseTo(0.5, within(0.01));
        assertThat(plan.method()).isEqualTo(method);
        assertThat(plan.settings()).containsEntry("pattern", "unstructured").containsEntry("sparsity", "0.5");
    }

    @Test
    @DisplayName("Wanda removes exactly floor(in * p) weights of every row")
    void wandaPerRow() {
        PruningPlan plan = plan("wanda", mixtral, 0.3, Map.of());
        for (PlanEntry e : plan.entries()) {
            TensorMask m = (TensorMask) e;
            for (int r = 0; r < m.mask().rows(); r++) {
                int zeros = 0;
                for (int c = 0; c < m.mask().cols(); c++) {
                    zeros += m.mask().isPruned(r, c) ? 1 : 0;
                }
                assertThat(zeros).as("%s row %d", m.tensor(), r).isEqualTo((int) Math.floor(m.mask().cols() * 0.3));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    @DisplayName("every method works with 2:4 and 1x8 patterns")
    void patterns(String method) {
        for (String pattern : List.of("2:4", "1x8")) {
            PruningPlan plan = plan(method, llama, 0.5, Map.of("pattern", pattern));
            SparsityPattern p = SparsityPattern.parse(pattern);
            for (PlanEntry e : plan.entries()) {
                var mask = e instanceof TensorMask m ? m.mask() : ((TensorUpdate) e).mask();
                int group = p.columnGranularity();
                for (int r = 0; r < mask.rows(); r++) {
                    for (int g = 0; g < mask.cols(); g += group) {
                        int zeros = 0;
                        for (int c = g; c < g + group; c++) {
                            zeros += mask.isPruned(r, c) ? 1 : 0;
                        }
                        if (p instanceof NofM) {
                            assertThat(zeros).as("%s %s row %d group %d", method, pattern, r, g).isEqualTo(2);
                        } else {
                            assertThat(zeros).as("%s %s row %d block %d", method, pattern, r, g).isIn(0, group);
                        }
                    }
                }
            }
            assertThat(SparsityReport.measure(plan, llama).overall()).isCloseTo(0.5, within(0.03));
        }
    }

    static Stream<String> methods() {
        return METHODS.stream();
    }

    @Test
    @DisplayName("OWL gives layers different sparsities that average the target")
    void owl() {
        PruningPlan plan = plan("wanda", mixtral, 0.5, Map.of("owl", "true"));
        String layers = plan.settings().get("layer_sparsity");
        double[] s = Stream.of(layers.replaceAll("[\\[\\] ]", "").split(",")).mapToDouble(Double::parseDouble).toArray();
        assertThat(s).hasSize(2);
        assertThat((s[0] + s[1]) / 2).isCloseTo(0.5, within(1e-9));
        assertThat(Math.abs(s[0] - s[1])).isCloseTo(2 * Owl.LAMBDA, within(1e-9)); // two layers: one at each end of the band
        SparsityReport report = SparsityReport.measure(plan, mixtral);
        for (PlanEntry e : plan.entries()) {
            TensorMask m = (TensorMask) e;
            double layerSparsity = s[m.tensor().startsWith("model.layers.0.") ? 0 : 1];
            assertThat(report.tensors().get(m.tensor())).as(m.tensor())
                    .isEqualTo(Math.floor(m.mask().cols() * layerSparsity + 1e-9) / m.mask().cols());
        }
    }

    @Test
    @DisplayName("OWL's allocation: more outliers, less sparsity; mean preserved")
    void owlAllocation() {
        double[] s = Owl.allocate(new double[] {0.01, 0.02, 0.04, 0.03}, 0.6, 0.08);
        assertThat(s[2]).isLessThan(s[3]).isLessThan(s[1]).isLessThan(s[0]);
        assertThat((s[0] + s[1] + s[2] + s[3]) / 4).isCloseTo(0.6, within(1e-12));
        assertThat(s[0] - s[2]).isCloseTo(0.16, within(1e-12));
    }

    @Test
    @DisplayName("bad requests fail before any work, with messages that say how to fix them")
    void badRequests() {
        PruningMethod wanda = PruningMethods.create("wanda");
        assertThatThrownBy(() -> PruningMethods.create("lottery")).hasMessageContaining("unknown pruning method 'lottery'")
                .hasMessageContaining("wanda");
        assertThatThrownBy(() -> plan("wanda", mixtral, 0.5, Map.of("pattern", "1x16"))) // the experts' w2 is 24 wide
                .hasMessageContaining("does not fit").hasMessageContaining("w2.weight").hasMessageContaining("24");
        assertThatThrownBy(() -> plan("wanda", llama, 0.6, Map.of("pattern", "2:4"))).hasMessageContaining("use sparsity 0.5");
        assertThatThrownBy(() -> plan("wanda", llama, 0.5, Map.of("pattern", "2:4", "owl", "true"))).hasMessageContaining("OWL");
        assertThatThrownBy(() -> plan("wanda", llama, 0.5, Map.of("beta", "1"))).hasMessageContaining("no option 'beta'");
        assertThat(wanda.name()).isEqualTo("wanda");
    }

    private static String tensor(PlanEntry e) {
        return e instanceof TensorMask m ? m.tensor() : ((TensorUpdate) e).tensor();
    }
}
