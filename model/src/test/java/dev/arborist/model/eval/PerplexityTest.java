package dev.arborist.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PerplexityTest {

    @Test
    @DisplayName("a model with a zero output layer predicts uniformly: perplexity equals the vocabulary size")
    void uniformModel() {
        ModelConfig config = TinyModels.llama();
        try (NDManager m = Engines.newManager()) {
            ModelWeights w = WeightInit.random(config, m, 1);
            ModelWeights zeroHead = new ModelWeights(w.embed(), w.layers(), w.finalNorm(), m.zeros(w.lmHead().getShape()));
            int[] tokens = new int[1000];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 37) % config.vocabSize();
            }
            Perplexity.Result r = Perplexity.evaluate(new Transformer(config, zeroHead, m), tokens, 32, 4);
            assertThat(r.perplexity()).isCloseTo(config.vocabSize(), Offset.offset(1e-3));
            assertThat(r.tokens()).isEqualTo((long) (999 / 32) * 32); // non-overlapping windows of 32 predictions
        }
    }

    @Test
    @DisplayName("batching windows does not change the result; too-short text is an error")
    void batchInvariant() {
        ModelConfig config = TinyModels.mixtral();
        try (NDManager m = Engines.newManager()) {
            Transformer model = new Transformer(config, WeightInit.random(config, m, 2), m);
            int[] tokens = new int[400];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * i + 7) % config.vocabSize();
            }
            double one = Perplexity.evaluate(model, tokens, 24, 1).perplexity();
            double many = Perplexity.evaluate(model, tokens, 24, 7).perplexity();
            assertThat(many).isCloseTo(one, Offset.offset(1e-3 * one));
            assertThatThrownBy(() -> Perplexity.evaluate(model, new int[] {1, 2, 3}, 24, 1)).hasMessageContaining("too short");
        }
    }
}
