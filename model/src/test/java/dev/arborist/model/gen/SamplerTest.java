package dev.arborist.model.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, -1.0f};

    @Test
    @DisplayName("greedy picks the argmax; temperature 0 means greedy")
    void greedy() {
        assertThat(new GreedySampler().sample(LOGITS)).isEqualTo(1);
        assertThat(Sampler.of(0, 0.9, 1)).isInstanceOf(GreedySampler.class);
    }

    @Test
    @DisplayName("the same seed gives the same samples")
    void seeded() {
        Sampler a = Sampler.of(1.0, 1.0, 42);
        Sampler b = Sampler.of(1.0, 1.0, 42);
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
        }
    }

    @Test
    @DisplayName("categorical sampling follows softmax(logits / T)")
    void categoricalFrequencies() {
        Sampler s = new TemperatureSampler(2.0, new CategoricalSampler(new Random(7)));
        int[] counts = new int[LOGITS.length];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            counts[s.sample(LOGITS)]++;
        }
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l / 2.0);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            assertThat((double) counts[i] / n).isCloseTo(Math.exp(LOGITS[i] / 2.0) / z, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    @DisplayName("top-p only samples from the nucleus")
    void nucleus() {
        // softmax(LOGITS) = [0.087, 0.644, 0.237, 0.032]: p = 0.7 keeps tokens 1 and 2 only.
        Sampler s = new ToppSampler(0.7, new Random(3));
        boolean[] seen = new boolean[LOGITS.length];
        for (int i = 0; i < 2000; i++) {
            seen[s.sample(LOGITS)] = true;
        }
        assertThat(seen).containsExactly(false, true, true, false);
        assertThat(new ToppSampler(0.01, new Random(1)).sample(LOGITS)).isEqualTo(1);
    }

    @Test
    @DisplayName("invalid knobs are refused")
    void invalid() {
        assertThatThrownBy(() -> new ToppSampler(0, new Random())).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new TemperatureSampler(-1, new GreedySampler())).hasMessageContaining("temperature");
    }
}
