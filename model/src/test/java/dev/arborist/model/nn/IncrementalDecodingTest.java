package dev.arborist.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.runtime.Engines;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IncrementalDecodingTest {
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.qwen2(), TinyModels.mixtral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("prefill + KV-cache decode gives the logits of full recomputation")
    void cachedDecodeMatchesFullRecomputation(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 7), manager);
        long[] tokens = {5, 17, 3, 88, 42, 9, 61, 23, 70, 11};
        float[][] full = fullLogits(model, tokens);

        try (KvCache cache = model.newCache(manager, 2, 32)) {
            int slot = cache.acquire();
            int prefill = 4;
            float[] logits = step(model, cache, slot, java.util.Arrays.copyOf(tokens, prefill));
            assertClose(logits, full[prefill - 1]);
            for (int i = prefill; i < tokens.length; i++) {
                logits = step(model, cache, slot, new long[] {tokens[i]});
                assertClose(logits, full[i]);
            }
            assertThat(cache.length(slot)).isEqualTo(tokens.length);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("a batch of sequences of different lengths gives each sequence's unbatched logits")
    void batchedEqualsUnbatched(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 11), manager);
        long[][] prompts = {{4, 8, 15, 16, 23, 42}, {7, 7}, {90, 1, 2, 3}};
        long[] next = {30, 31, 32};
        try (KvCache cache = model.newCache(manager, 4, 32)) {
            int[] slots = {cache.acquire(), cache.acquire(), cache.acquire()};
            float[][] prefill = batchStep(model, cache, slots, prompts);
            float[][] decode = batchStep(model, cache, slots, new long[][] {{next[0]}, {next[1]}, {next[2]}});
            for (int i = 0; i < prompts.length; i++) {
                long[] whole = java.util.Arrays.copyOf(prompts[i], prompts[i].length + 1);
                whole[prompts[i].length] = next[i];
                float[][] alone = fullLogits(model, whole);
                assertClose(prefill[i], alone[prompts[i].length - 1]);
                assertClose(decode[i], alone[prompts[i].length]);
            }
        }
    }

    static float[][] fullLogits(Transformer model, long[] tokens) {
        try (NDManager m = manager.newSubManager()) {
            NDArray input = m.create(tokens, new Shape(1, tokens.length));
            NDArray logits = model.logits(model.hidden(input, new CausalContext(m, tokens.length)));
            float[][] rows = new float[tokens.length][];
            for (int i = 0; i < tokens.length; i++) {
                rows[i] = logits.get(new NDIndex("0, {}", i)).toFloatArray();
            }
            return rows;
        }
    }

    private static float[] step(Transformer model, KvCache cache, int slot, long[] tokens) {
        return batchStep(model, cache, new int[] {slot}, new long[][] {tokens})[0];
    }

    private static float[][] batchStep(Transformer model, KvCache cache, int[] slots, long[][] tokens) {
        try (NDManager m = manager.newSubManager()) {
            int t = java.util.Arrays.stream(tokens).mapToInt(a -> a.length).max().orElseThrow();
            long[] padded = new long[slots.length * t];
            int[] lengths = new int[slots.length];
            for (int i = 0; i < slots.length; i++) {
                System.arraycopy(tokens[i], 0, padded, i * t, tokens[i].length);
                lengths[i] = tokens[i].length;
            }
            CachedContext ctx = new CachedContext(m, cache, slots, lengths);
            NDArray logits = model.nextTokenLogits(m.create(padded, new Shape(slots.length, t)), ctx);
            ctx.commit();
            float[][] out = new float[slots.length][];
            for (int i = 0; i < slots.length; i++) {
                out[i] = logits.get(i).toFloatArray();
            }
            return out;
        }
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("logit %d", i).isLessThan(1e-4f);
        }
    }
}
