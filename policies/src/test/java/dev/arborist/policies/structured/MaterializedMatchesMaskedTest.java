package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.AttentionWeights;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ChannelSelection;
import dev.arborist.policies.structured.entry.HeadSelection;
import dev.arborist.policies.structured.entry.LayerRemoval;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MaterializedMatchesMaskedTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.qwen2(), TinyModels.mixtral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("ffn-channels: the shrunk model computes what the masked dense model computes, with half the FFN width")
    void ffnChannels(ModelConfig config) {
        try (LanguageModel model = TestModels.random(config, 3)) {
            PruningPlan plan = new FfnChannelPruning().plan(new PruningTarget(model, 0.5, Map.of()),
                    TestModels.calibration(config, 6, 24, 5), PruningProgress.NONE);
            try (NDManager m = model.manager().newSubManager()) {
                WeightEditor.Result masked = plan.applyMasked(config, model.transformer().weights(), m);
                WeightEditor.Result shrunk = plan.applyMaterialized(config, model.transformer().weights(), m);
                assertSameFunctionButPruned(TestModels.logits(model), TestModels.logits(masked, m), TestModels.logits(shrunk, m));
                for (LayerWeights layer : shrunk.weights().layers()) {
                    int width = layer.isMoe() ? layer.moe().experts().get(0).width() : layer.mlp().width();
                    assertThat(width).isEqualTo(config.intermediateSize() / 2);
                    assertThat(layer.isMoe() ? layer.moe().experts().get(0).down().getShape().get(1) : layer.mlp().down().getShape().get(1))
                            .isEqualTo(config.intermediateSize() / 2);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("heads: removing a KV group removes its query heads too, and the shrunk model matches the masked one")
    void heads(ModelConfig config) {
        try (LanguageModel model = TestModels.random(config, 3)) {
            PruningPlan plan = new HeadPruning().plan(new PruningTarget(model, 0.5, Map.of()),
                    TestModels.calibration(config, 6, 24, 5), PruningProgress.NONE);
            try (NDManager m = model.manager().newSubManager()) {
                WeightEditor.Result masked = plan.applyMasked(config, model.transformer().weights(), m);
                WeightEditor.Result shrunk = plan.applyMaterialized(config, model.transformer().weights(), m);
                assertSameFunctionButPruned(TestModels.logits(model), TestModels.logits(masked, m), TestModels.logits(shrunk, m));
                int hs = config.headDim();
                for (LayerWeights layer : shrunk.weights().layers()) {
                    AttentionWeights a = layer.attention();
                    assertThat(a.numKvHeads(hs)).isEqualTo(config.numKvHeads() / 2);
                    assertThat(a.numHeads(hs)).isEqualTo(config.numHeads() / 2);
                    assertThat(a.o().getShape().get(1)).isEqualTo((long) config.numHeads() / 2 * hs);
                    if (a.qBias() != null) {
                        assertThat(a.qBias().getShape().get(0)).isEqualTo((long) config.numHeads() / 2 * hs);
                    }
                }
                assertThat(masked.weights().layers().get(0).attention().q().getShape())
                        .isEqualTo(model.transformer().weights().layers().get(0).attention().q().getShape());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("layers: a removed layer is the identity when masked and gone when materialized")
    void layers(ModelConfig config) {
        try (LanguageModel model = TestModels.random(config, 3)) {
            PruningPlan plan = new LayerPruning().plan(new PruningTarget(model, 0.5, Map.of()),
                    TestModels.calibration(config, 6, 24, 5), PruningProgress.NONE);
            try (NDManager m = model.manager().newSubManager()) {
                WeightEditor.Result masked = plan.applyMasked(config, model.transformer().weights(), m);
                WeightEditor.Result shrunk = plan.applyMaterialized(config, model.transformer().weights(), m);
                assertSameFunctionButPruned(TestModels.logits(model), TestModels.logits(masked, m), TestModels.logits(shrunk, m));
                assertThat(shrunk.config().numLayers()).isEqualTo(config.numLayers() - 1);
                assertThat(shrunk.weights().layers()).hasSize(config.numLayers() - 1);
                assertThat(masked.weights().layers()).hasSize(config.numLayers());
            }
        }
    }

    @Test
    @DisplayName("weights built inside a forward step's NDScope outlive the scope")
    void survivesAnEnclosingScope() {
        ModelConfig config = TinyModels.mixtral();
        try (LanguageModel model = TestModels.random(config, 3); NDManager m = model.manager().newSubManager()) {
            PruningPlan plan = new PruningPlan("scoped", Map.of(), List.of(new ChannelSelection(0, 1, List.of(0, 3, 5)),
                    new HeadSelection(1, List.of(1)), new LayerRemoval(0)));
            WeightEditor.Result masked;
            WeightEditor.Result shrunk;
            try (NDScope scope = new NDScope()) {
                masked = plan.applyMasked(config, model.transformer().weights(), m);
                shrunk = plan.applyMaterialized(config, model.transformer().weights(), m);
            }
            assertThat(TestModels.maxAbsDiff(TestModels.logits(masked, m), TestModels.logits(shrunk, m))).isLessThan(1e-4f);
        }
    }

    private static void assertSameFunctionButPruned(float[] dense, float[] masked, float[] materialized) {
        assertThat(TestModels.maxAbsDiff(masked, materialized)).isLessThan(1e-4f);
        assertThat(TestModels.maxAbsDiff(dense, masked)).as("pruning changed the model").isGreaterThan(1e-4f);
    }
}
