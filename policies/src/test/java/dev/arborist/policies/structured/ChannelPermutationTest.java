package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChannelPermutationTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.qwen2(), TinyModels.mixtral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("permuting the channels of every FFN (every expert) moves the weights but not the logits")
    void permutedModelComputesTheSameFunction(ModelConfig config) {
        try (LanguageModel model = TestModels.random(config, 21); NDManager m = model.manager().newSubManager()) {
            WeightEditor dense = new WeightEditor(config, model.transformer().weights(), m);
            Random random = new Random(4);
            List<PlanEntry> entries = new ArrayList<>();
            for (PruningGroup g : Groups.allFfnChannels(dense)) {
                List<Integer> order = new ArrayList<>(IntStream.range(0, g.units()).boxed().toList());
                Collections.shuffle(order, random);
                entries.add(new ChannelPermutation(g.layer(), g.expert(), order));
            }
            PruningPlan plan = new PruningPlan("permute", Map.of(), entries);
            WeightEditor.Result permuted = plan.applyMaterialized(config, model.transformer().weights(), m);

            assertThat(TestModels.maxAbsDiff(TestModels.logits(model), TestModels.logits(permuted, m))).isLessThan(1e-5f);
            ChannelPermutation first = (ChannelPermutation) entries.get(0);
            String gate = config.isMoe() ? WeightNames.expert(0, 0, "w1") : WeightNames.mlp(0, "gate");
            float[] before = dense.get(gate).toFloatArray();
            float[] after = new WeightEditor(permuted.config(), permuted.weights(), m).get(gate).toFloatArray();
            int d = config.hiddenSize();
            for (int row = 0; row < first.order().size(); row++) {
                int old = first.order().get(row);
                for (int j = 0; j < d; j++) {
                    assertThat(after[row * d + j]).isEqualTo(before[old * d + j]);
                }
            }
            assertThat(first.order()).isNotEqualTo(IntStream.range(0, first.order().size()).boxed().toList());
        }
    }

    @Test
    @DisplayName("a permutation that repeats or drops a channel is rejected")
    void rejectsNonPermutations() {
        ModelConfig config = TinyModels.llama();
        try (LanguageModel model = TestModels.random(config, 21); NDManager m = model.manager().newSubManager()) {
            WeightEditor editor = new WeightEditor(config, model.transformer().weights(), m);
            PruningGroup group = Groups.ffnChannels(editor, 0, -1);
            int[] repeated = IntStream.range(0, group.units()).map(i -> i == 1 ? 0 : i).toArray();
            assertThatThrownBy(() -> GroupSurgery.permute(editor, group, repeated)).hasMessageContaining("repeated");
            assertThatThrownBy(() -> GroupSurgery.permute(editor, group, new int[] {0, 1}))
                    .hasMessageContaining("permutation of " + group.units());
        }
    }
}
