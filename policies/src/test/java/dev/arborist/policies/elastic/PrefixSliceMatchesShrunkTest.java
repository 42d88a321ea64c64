package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.TestModels;
import dev.arborist.policies.structured.entry.ChannelSelection;
import dev.arborist.policies.structured.entry.ExpertSelection;
import dev.arborist.policies.structured.entry.ExpertSkip;
import dev.arborist.policies.structured.entry.HeadSelection;
import dev.arborist.policies.structured.entry.LayerRemoval;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;

/**
 * Running at a level (prefix views of the full weights) computes what a physically shrunk model
 * computes, where the shrunk model is built by the structured pruning entries: channels, KV
 * groups and experts kept as prefixes, skipped layers removed, the same skip beta.
 */
class PrefixSliceMatchesShrunkTest {

    static Stream<Arguments> levels() {
        ModelConfig llama = TinyModels.llama();
        ModelConfig qwen = TinyModels.qwen2();
        ModelConfig moe = TinyModels.mixtral();
        return Stream.of(
                Arguments.of(llama, Level.of(0.5, 0, 1, Set.of(1), 0)),
                Arguments.of(qwen, Level.of(0.25, 0, 1, Set.of(0), 0)),
                Arguments.of(llama, Level.of(0.75, 0, 2, Set.of(), 0)),
                Arguments.of(moe, Level.of(0.5, 3, 1, Set.of(1), 0.4)),
                Arguments.of(moe, Level.of(0.25, 2, 2, Set.of(0), 1.0)),
                Arguments.of(moe, Level.of(1.0, 4, 1, Set.of(), 0.2)));
    }

    @ParameterizedTest
    @MethodSource("levels")
    @DisplayName("prefix-slice execution at a level equals the physically shrunk model")
    void levelEqualsShrunkModel(ModelConfig config, Level level) {
        try (LanguageModel model = TestModels.random(config, 31); NDManager m = model.manager().newSubManager()) {
            WeightEditor.Result shrunk = shrink(config, level).applyMaterialized(config, model.transformer().weights(), m);
            Transformer atLevel = model.transformer().atLevel(level, m);
            float[] expected = TestModels.logits(shrunk, m);
            assertThat(TestModels.maxAbsDiff(logits(atLevel, m), expected)).isLessThan(1e-5f);
            assertThat(shrunk.config().numLayers()).isEqualTo(config.numLayers() - level.skippedLayers().size());
        }
    }

    /** The plan that removes what the level leaves out, with the structured entries. */
    private static PruningPlan shrink(ModelConfig config, Level level) {
        List<PlanEntry> entries = new ArrayList<>();
        int width = config.intermediateSize();
        for (int l = 0; l < config.numLayers(); l++) {
            if (level.skips(l)) {
                entries.add(new LayerRemoval(l));
                continue;
            }
            entries.add(new HeadSelection(l, prefix(level.kvGroupsKept())));
            if (config.isMoe()) {
                for (int e = 0; e < level.expertsKept(); e++) {
                    entries.add(new ChannelSelection(l, e, prefix(level.keptChannels(width))));
                }
                entries.add(new ExpertSelection(l, prefix(level.expertsKept())));
                entries.add(new ExpertSkip(l, level.skipBeta()));
            } else {
                entries.add(new ChannelSelection(l, -1, prefix(level.keptChannels(width))));
            }
        }
        return new PruningPlan("shrink", Map.of(), entries);
    }

    private static List<Integer> prefix(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static float[] logits(Transformer model, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            long[] tokens = TestModels.PROMPT;
            return model.logits(model.hidden(m.create(tokens, new Shape(1, tokens.length)), new CausalContext(m, tokens.length))).toFloatArray();
        }
    }
}
