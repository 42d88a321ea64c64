package dev.arborist.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.model.config.ModelConfig;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LevelTest {

    @Test
    @DisplayName("the dense level keeps everything and fits its model")
    void dense() {
        ModelConfig moe = TinyModels.mixtral();
        Level dense = Level.dense(moe);
        assertThat(dense).isEqualTo(Level.of(1.0, 4, 2, Set.of(), 0.0));
        assertThat(dense.requireFits(moe).isDense(moe)).isTrue();
        assertThat(dense.withSkippedLayer(1).isDense(moe)).isFalse();
        assertThat(Level.dense(TinyModels.llama()).expertsKept()).isZero();
    }

    @Test
    @DisplayName("values outside their ranges are rejected with a message naming the field")
    void rejectsOutOfRange() {
        assertThatThrownBy(() -> Level.of(0.0, 4, 2, Set.of(), 0)).hasMessageContaining("ffn fraction must be in (0, 1]");
        assertThatThrownBy(() -> Level.of(1.5, 4, 2, Set.of(), 0)).hasMessageContaining("ffn fraction");
        assertThatThrownBy(() -> Level.of(Double.NaN, 4, 2, Set.of(), 0)).hasMessageContaining("ffn fraction");
        assertThatThrownBy(() -> Level.of(1, -1, 2, Set.of(), 0)).hasMessageContaining("experts kept");
        assertThatThrownBy(() -> Level.of(1, 4, 0, Set.of(), 0)).hasMessageContaining("at least one KV group");
        assertThatThrownBy(() -> Level.of(1, 4, 2, Set.of(-1), 0)).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> Level.of(1, 4, 2, Set.of(), 1.2)).hasMessageContaining("skip beta must be in [0, 1]");
    }

    @Test
    @DisplayName("a level that does not fit the model names the dimension and the allowed range")
    void rejectsWhatTheModelLacks() {
        ModelConfig moe = TinyModels.mixtral(); // 2 layers, 4 experts, 2 KV heads
        assertThatThrownBy(() -> Level.of(1, 5, 2, Set.of(), 0).requireFits(moe)).hasMessageContaining("experts kept must be in 1..4");
        assertThatThrownBy(() -> Level.of(1, 0, 2, Set.of(), 0).requireFits(moe)).hasMessageContaining("experts kept must be in 1..4");
        assertThatThrownBy(() -> Level.of(1, 4, 3, Set.of(), 0).requireFits(moe)).hasMessageContaining("KV groups kept must be in 1..2");
        assertThatThrownBy(() -> Level.of(1, 4, 2, Set.of(2), 0).requireFits(moe)).hasMessageContaining("layers 0..1");
        assertThatThrownBy(() -> Level.of(1, 4, 2, Set.of(0, 1), 0).requireFits(moe)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Level.of(1, 2, 2, Set.of(), 0).requireFits(TinyModels.llama())).hasMessageContaining("no experts");
    }

    @Test
    @DisplayName("channels kept round f * width and never reach zero")
    void keptChannels() {
        assertThat(Level.of(0.5, 0, 1, Set.of(), 0).keptChannels(512)).isEqualTo(256);
        assertThat(Level.of(0.3, 0, 1, Set.of(), 0).keptChannels(24)).isEqualTo(7);
        assertThat(Level.of(0.01, 0, 1, Set.of(), 0).keptChannels(24)).isEqualTo(1);
        assertThat(Level.of(1, 0, 1, Set.of(), 0).keptChannels(24)).isEqualTo(24);
    }

    @Test
    @DisplayName("levels with equal fields are equal whatever set the skipped layers came in")
    void valueSemantics() {
        Level a = Level.of(0.5, 4, 1, Set.of(3, 1), 0.2);
        Level b = Level.dense(TinyModels.mixtral()).withFfnFraction(0.5).withKvGroupsKept(1).withSkippedLayer(1).withSkippedLayer(3)
                .withSkipBeta(0.2);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.skippedLayers()).containsExactly(1, 3);
        assertThatThrownBy(() -> a.skippedLayers().add(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
