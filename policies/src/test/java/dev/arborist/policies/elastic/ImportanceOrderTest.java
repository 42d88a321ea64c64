package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.CalibrationPass;
import dev.arborist.policies.structured.Groups;
import dev.arborist.policies.structured.TestModels;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImportanceOrderTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.qwen2(), TinyModels.mixtral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("the importance permutation (channels, KV groups, experts) moves weights but leaves the logits unchanged")
    void permutedModelComputesTheSameFunction(ModelConfig config) {
        try (LanguageModel model = TestModels.random(config, 21); NDManager m = model.manager().newSubManager();
             ActivationStatistics stats = new ActivationStatistics(config.numExperts(), false, model.manager())) {
            CalibrationPass.run(model, TestModels.calibration(config, 6, 24, 5), stats);
            WeightEditor dense = new WeightEditor(config, model.transformer().weights(), m);
            PruningPlan plan = ImportanceOrder.permutation(TrafficStatistics.of(stats), dense);
            WeightEditor.Result permuted = plan.applyMaterialized(config, model.transformer().weights(), m);

            assertThat(TestModels.maxAbsDiff(TestModels.logits(model), TestModels.logits(permuted, m))).isLessThan(1e-4f);
            List<PlanEntry> channels = plan.entries().stream().filter(e -> e instanceof ChannelPermutation).toList();
            assertThat(channels).hasSize(Groups.allFfnChannels(dense).size()).noneMatch(ImportanceOrderTest::isIdentity);
        }
    }

    @Test
    @DisplayName("units come out most important first, and the weights move with them")
    void ordersByImportance() {
        ModelConfig config = TinyModels.mixtral();
        try (LanguageModel model = TestModels.random(config, 5); NDManager m = model.manager().newSubManager();
             ActivationStatistics stats = new ActivationStatistics(config.numExperts(), false, model.manager())) {
            CalibrationPass.run(model, TestModels.calibration(config, 6, 24, 9), stats);
            TrafficStatistics traffic = TrafficStatistics.of(stats);
            WeightEditor dense = new WeightEditor(config, model.transformer().weights(), m);
            PruningPlan plan = ImportanceOrder.permutation(traffic, dense);
            WeightEditor permuted = new WeightEditor(config, plan.applyMaterialized(config, model.transformer().weights(), m).weights(), m);
            ChannelActivationImportance energy = new ChannelActivationImportance(traffic, dense);
            for (PlanEntry e : plan.entries()) {
                if (e instanceof ChannelPermutation c) {
                    assertNonIncreasing(energy.scores(Groups.ffnChannels(dense, c.layer(), c.expert())), c.order());
                } else if (e instanceof KvGroupPermutation k) {
                    assertNonIncreasing(energy.scores(Groups.kvGroups(dense, k.layer())), k.order());
                } else if (e instanceof ExpertPermutation x) {
                    assertNonIncreasing(traffic.gateSums(x.layer()), x.order());
                    int first = x.order().get(0);
                    assertThat(permuted.get(WeightNames.router(x.layer())).get(0).toFloatArray())
                            .containsExactly(dense.get(WeightNames.router(x.layer())).get(first).toFloatArray());
                    // expert 0 of the permuted layer holds the old expert's w1 with its own channel order applied
                    ChannelPermutation channels = channelsOf(plan, x.layer(), first);
                    assertThat(permuted.get(WeightNames.expert(x.layer(), 0, "w1")).get(0).toFloatArray())
                            .containsExactly(dense.get(WeightNames.expert(x.layer(), first, "w1")).get(channels.order().get(0)).toFloatArray());
                }
            }
            List<Integer> skipOrder = ImportanceOrder.layerSkipOrder(traffic, dense);
            assertThat(skipOrder).containsExactlyInAnyOrder(0, 1);
            assertThat(stats.blockInfluence(skipOrder.get(0))).isLessThanOrEqualTo(stats.blockInfluence(skipOrder.get(1)));
        }
    }

    private static ChannelPermutation channelsOf(PruningPlan plan, int layer, int expert) {
        return plan.entries().stream().filter(e -> e instanceof ChannelPermutation c && c.layer() == layer && c.expert() == expert)
                .map(ChannelPermutation.class::cast).findFirst().orElseThrow();
    }

    private static void assertNonIncreasing(double[] scores, List<Integer> order) {
        assertThat(order).containsExactlyInAnyOrderElementsOf(IntStream.range(0, scores.length).boxed().toList());
        for (int i = 1; i < order.size(); i++) {
            assertThat(scores[order.get(i)]).as("score of unit at position %d", i).isLessThanOrEqualTo(scores[order.get(i - 1)]);
        }
    }

    private static boolean isIdentity(PlanEntry e) {
        List<Integer> order = e instanceof ChannelPermutation c ? c.order()
                : e instanceof KvGroupPermutation k ? k.order() : ((ExpertPermutation) e).order();
        return order.equals(IntStream.range(0, order.size()).boxed().toList());
    }
}
