package dev.arborist.model.gen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static NDManager manager;
    private static Generator generator;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
        ModelConfig config = TinyModels.mixtral();
        generator = new Generator(new Transformer(config, WeightInit.random(config, manager, 21), manager), manager);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    @DisplayName("greedy generation of a batch equals generating each prompt alone, and streams every token")
    void batchEqualsSingle() {
        List<int[]> prompts = List.of(new int[] {5, 6, 7, 8, 9}, new int[] {40}, new int[] {11, 12, 13});
        GenerationParams params = new GenerationParams(12, Set.of());
        List<Integer> streamed = new ArrayList<>();
        List<Completion> batch = generator.generate(prompts, params, Collections.nCopies(3, new GreedySampler()),
                (seq, token) -> streamed.add(token));
        int total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            Completion alone = generator.generate(List.of(prompts.get(i)), params, List.of(new GreedySampler()), (s, t) -> {}).get(0);
            assertThat(batch.get(i).tokens()).containsExactly(alone.tokens());
            assertThat(batch.get(i).finishReason()).isEqualTo(FinishReason.LENGTH);
            total += batch.get(i).tokens().length;
        }
        assertThat(streamed).hasSize(total);
        assertThat(batch.get(0).tokens()).hasSize(12);
    }

    @Test
    @DisplayName("a stop token ends the sequence and is not emitted")
    void stopToken() {
        int[] prompt = {5, 6, 7};
        Completion free = generator.generate(List.of(prompt), new GenerationParams(6, Set.of()), List.of(new GreedySampler()), (s, t) -> {}).get(0);
        int stop = free.tokens()[2];
        Completion stopped = generator.generate(List.of(prompt), new GenerationParams(6, Set.of(stop)), List.of(new GreedySampler()), (s, t) -> {}).get(0);
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.tokens()).doesNotContain(stop);
        assertThat(stopped.tokens().length).isLessThanOrEqualTo(2);
    }
}
