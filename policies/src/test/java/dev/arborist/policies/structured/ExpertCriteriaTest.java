package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ExpertSelection;
import dev.arborist.policies.structured.importance.NaeeSubsetSearch;
import dev.arborist.policies.structured.importance.RoutingFrequencyImportance;
import dev.arborist.policies.structured.importance.TopScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExpertCriteriaTest {
    private static final ModelConfig MIXTRAL = TinyModels.mixtral(); // 2 layers x 4 experts, top-2
    private static final CalibrationSet CALIBRATION = TestModels.calibration(MIXTRAL, 6, 24, 8);

    @Test
    @DisplayName("frequency: an expert the router never picks is the one removed")
    void frequencyRemovesTheUnusedExpert() {
        try (NDManager m = Engines.newManager(); ActivationStatistics stats = new ActivationStatistics(4, false, m)) {
            long[] chosen = {0, 2, 0, 3, 2, 3, 0, 2}; // four tokens, two experts each; expert 1 never
            stats.routing(0, chosen, new float[] {.6f, .4f, .7f, .3f, .5f, .5f, .9f, .1f}, 2);
            PruningGroup experts = new PruningGroup(UnitKind.EXPERT, 0, -1, 4, List.of());

            assertThat(new TopScores(new RoutingFrequencyImportance(stats)).keep(experts, 3)).containsExactly(0, 2, 3);
        }
    }

    @Test
    @DisplayName("frequency on a model removes, per layer, the expert the calibration text routes to least")
    void frequencyMatchesIndependentCounts() {
        try (LanguageModel model = TestModels.random(MIXTRAL, 13);
             ActivationStatistics stats = new ActivationStatistics(4, false, model.manager())) {
            CalibrationPass.run(model, CALIBRATION, stats);
            PruningPlan plan = new ExpertPruning().plan(new PruningTarget(model, 0.25, Map.of("criterion", "frequency")),
                    CALIBRATION, PruningProgress.NONE);
            for (int l = 0; l < MIXTRAL.numLayers(); l++) {
                long[] counts = stats.routingCounts(l);
                int least = 0;
                for (int e = 1; e < counts.length; e++) {
                    least = counts[e] < counts[least] ? e : least;
                }
                assertThat(selection(plan, l).kept()).hasSize(3).doesNotContain(least);
            }
        }
    }

    @Test
    @DisplayName("REAP (the default): an often-routed expert whose output is zero has zero saliency and is removed")
    void reapRemovesTheSilentExpert() {
        NDManager m = Engines.newManager();
        WeightEditor editor = new WeightEditor(MIXTRAL, WeightInit.random(MIXTRAL, m, 13), m);
        for (int l = 0; l < MIXTRAL.numLayers(); l++) {
            String w2 = WeightNames.expert(l, 1, "w2");
            editor.put(w2, m.zeros(editor.get(w2).getShape()));
        }
        WeightEditor.Result silent = editor.build();
        try (LanguageModel model = LanguageModel.of(silent.config(), silent.weights(), m)) {
            PruningPlan plan = new ExpertPruning().plan(new PruningTarget(model, 0.25, Map.of()), CALIBRATION, PruningProgress.NONE);
            assertThat(plan.settings()).containsEntry("criterion", "reap"); // the default, recorded
            for (int l = 0; l < MIXTRAL.numLayers(); l++) {
                assertThat(selection(plan, l).kept()).containsExactly(0, 2, 3);
            }
        }
    }

    @Test
    @DisplayName("NAEE keeps the subset whose layer output is closest to the full layer's, checked by brute force on the runtime")
    void naeeMatchesBruteForce() {
        try (LanguageModel model = TestModels.random(MIXTRAL, 13); NDManager m = model.manager().newSubManager()) {
            PruningPlan plan = new ExpertPruning().plan(new PruningTarget(model, 0.5, Map.of("criterion", "naee")),
                    CALIBRATION, PruningProgress.NONE);
            float[] full = layerZeroOutput(MIXTRAL, model.transformer(), m);
            List<Integer> best = null;
            double bestError = Double.POSITIVE_INFINITY;
            double worstError = 0;
            for (int a = 0; a < 4; a++) {
                for (int b = a + 1; b < 4; b++) {
                    List<Integer> subset = List.of(a, b);
                    PruningPlan candidate = new PruningPlan("brute", Map.of(), List.of(new ExpertSelection(0, subset)));
                    WeightEditor.Result pruned = candidate.applyMaterialized(MIXTRAL, model.transformer().weights(), m);
                    float[] out = layerZeroOutput(pruned.config(), new Transformer(pruned.config(), pruned.weights(), m), m);
                    double error = 0;
                    for (int i = 0; i < out.length; i++) {
                        error += (double) (out[i] - full[i]) * (out[i] - full[i]);
                    }
                    worstError = Math.max(worstError, error);
                    if (error < bestError) {
                        bestError = error;
                        best = subset;
                    }
                }
            }
            assertThat(bestError).isLessThan(worstError * 0.9);
            assertThat(selection(plan, 0).kept()).isEqualTo(best);
        }
    }

    @ParameterizedTest
    @EnumSource(ExpertCriterion.class)
    @DisplayName("every criterion removes the same number of experts in every layer and the result runs")
    void uniformCountAndRunnable(ExpertCriterion criterion) {
        try (LanguageModel model = TestModels.random(MIXTRAL, 13); NDManager m = model.manager().newSubManager()) {
            PruningPlan plan = new ExpertPruning().plan(new PruningTarget(model, 0.5, Map.of("criterion", criterion.option())),
                    CALIBRATION, PruningProgress.NONE);
            WeightEditor.Result shrunk = plan.applyMaterialized(MIXTRAL, model.transformer().weights(), m);
            WeightEditor.Result masked = plan.applyMasked(MIXTRAL, model.transformer().weights(), m);

            assertThat(shrunk.config().numExperts()).isEqualTo(2);
            shrunk.weights().layers().forEach(layer -> assertThat(layer.moe().router().getShape().get(0)).isEqualTo(2));
            float[] logits = TestModels.logits(shrunk, m);
            assertThat(TestModels.maxAbsDiff(logits, TestModels.logits(masked, m))).isZero();
            assertThat(TestModels.maxAbsDiff(logits, TestModels.logits(model))).isGreaterThan(1e-4f);
        }
    }

    @Test
    @DisplayName("NAEE refuses an enumeration that would not finish, naming the alternatives")
    void naeeRefusesHugeSearches() {
        PruningGroup experts = new PruningGroup(UnitKind.EXPERT, 0, -1, 64, List.of());
        NaeeSubsetSearch search = new NaeeSubsetSearch(l -> {
            throw new AssertionError("must fail before probing");
        });
        assertThatThrownBy(() -> search.keep(experts, 32)).hasMessageContaining("criterion=reap");
    }

    @Test
    @DisplayName("an unknown criterion is rejected with the valid choices")
    void unknownCriterion() {
        try (LanguageModel model = TestModels.random(MIXTRAL, 13)) {
            assertThatThrownBy(() -> new ExpertPruning().plan(new PruningTarget(model, 0.5, Map.of("criterion", "random")),
                    CALIBRATION, PruningProgress.NONE)).hasMessageContaining("[frequency, reap, naee]");
        }
    }

    private static ExpertSelection selection(PruningPlan plan, int layer) {
        List<ExpertSelection> found = new ArrayList<>();
        for (PlanEntry e : plan.entries()) {
            if (e instanceof ExpertSelection s && s.layer() == layer) {
                found.add(s);
            }
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** (windows * T * d) output of layer 0 on the calibration windows; differs between subsets only by the MoE block. */
    private static float[] layerZeroOutput(ModelConfig config, Transformer transformer, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            int[][] w = CALIBRATION.windows();
            long[] ids = new long[w.length * CALIBRATION.length()];
            for (int b = 0; b < w.length; b++) {
                for (int t = 0; t < CALIBRATION.length(); t++) {
                    ids[b * CALIBRATION.length() + t] = w[b][t];
                }
            }
            NDArray x = transformer.embed(m.create(ids, new Shape(w.length, CALIBRATION.length())));
            return transformer.layer(0, x, new CausalContext(m, CALIBRATION.length())).toFloatArray();
        }
    }
}
