package dev.arborist.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.runtime.Engines;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ElasticExecutionTest {
    private static final long[] PROMPT = {5, 17, 3, 88, 42, 9, 61};
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

    /** Every dimension reduced at once (experts only on MoE models). */
    private static Level sparse(ModelConfig config) {
        return Level.of(0.5, config.isMoe() ? 3 : 0, 1, Set.of(1), config.isMoe() ? 0.5 : 0);
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("at a level, prefill + cached decode gives the logits of full recomputation at that level")
    void cachedDecodeAtALevelMatchesFullRecomputation(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 7), manager);
        try (ElasticModel elastic = new ElasticModel(model, manager); KvCache cache = model.newCache(manager, 1, 16)) {
            Transformer level = elastic.at(sparse(config));
            float[][] full = ModelFixture.logits(level, manager, PROMPT);
            int slot = cache.acquire();
            IncrementalDecodingTest.assertClose(step(level, cache, slot, Arrays.copyOf(PROMPT, 3)), full[2]);
            for (int i = 3; i < PROMPT.length; i++) {
                IncrementalDecodingTest.assertClose(step(level, cache, slot, new long[] {PROMPT[i]}), full[i]);
            }
        }
    }

    @Test
    @DisplayName("level weights are views of the full weights: same storage, prefix shapes, nothing copied")
    void viewsShareTheFullWeights() {
        ModelConfig config = TinyModels.mixtral();
        try (NDManager m = manager.newSubManager()) {
            Transformer model = new Transformer(config, WeightInit.random(config, m, 3), m);
            Transformer level = model.atLevel(sparse(config), m);
            MoeWeights fullMoe = model.weights().layers().get(0).moe();
            MoeWeights moe = level.weights().layers().get(0).moe();
            MlpWeights expert = moe.experts().get(0);
            assertThat(moe.numExperts()).isEqualTo(3);
            assertThat(moe.router().getShape()).isEqualTo(new Shape(3, 32));
            assertThat(moe.skipBeta()).isEqualTo(0.5);
            assertThat(expert.gate().getShape()).isEqualTo(new Shape(12, 32));
            assertThat(expert.down().getShape()).isEqualTo(new Shape(32, 12));
            AttentionWeights a = level.weights().layers().get(0).attention();
            assertThat(a.q().getShape()).isEqualTo(new Shape(16, 32)); // 1 of 2 KV groups: 2 of 4 query heads of 8 dims
            assertThat(a.o().getShape()).isEqualTo(new Shape(32, 16));
            assertThat(a.k()).isSameAs(model.weights().layers().get(0).attention().k()); // every KV head is still computed

            fullMoe.experts().get(0).down().addi(1f); // writes through the full weights show in the views
            float[] view = expert.down().toFloatArray();
            float[] base = fullMoe.experts().get(0).down().get(new NDIndex().addAllDim().addSliceDim(0, 12)).toFloatArray();
            assertThat(view).containsExactly(base);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("the dense level through views computes exactly what the full model computes")
    void denseLevelIsTheFullModel(ModelConfig config) {
        try (NDManager m = manager.newSubManager()) {
            Transformer model = new Transformer(config, WeightInit.random(config, m, 5), m);
            float[][] full = ModelFixture.logits(model, m, PROMPT);
            float[][] viaLevel = ModelFixture.logits(model.atLevel(Level.dense(config), m), m, PROMPT);
            assertThat(ModelFixture.maxAbsDiff(full, viaLevel)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("switching levels between decode steps of one sequence: valid tokens, finite logits, a complete cache")
    void switchingLevelsBetweenDecodeSteps(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 9), manager);
        List<Level> cycle = List.of(sparse(config), Level.dense(config), Level.of(1, Level.dense(config).expertsKept(), 1, Set.of(0), 0),
                Level.dense(config).withFfnFraction(0.25), Level.dense(config));
        try (ElasticModel elastic = new ElasticModel(model, manager); KvCache cache = model.newCache(manager, 2, 32)) {
            int slot = cache.acquire();
            float[] logits = step(elastic.at(cycle.get(0)), cache, slot, PROMPT);
            for (int s = 1; s <= 10; s++) {
                int token = argmax(logits);
                assertThat(token).isBetween(0, config.vocabSize() - 1);
                logits = step(elastic.at(cycle.get(s % cycle.size())), cache, slot, new long[] {token});
                for (float v : logits) {
                    assertThat(v).isFinite();
                }
            }
            assertThat(cache.length(slot)).isEqualTo(PROMPT.length + 10);
            assertCacheComplete(cache, slot, config.numLayers());
            assertThat(elastic.at(cycle.get(0))).isSameAs(elastic.at(cycle.get(0))); // views built once per level
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("a skipped last layer still writes its keys and values: a dense step after it gives the dense logits")
    void skippedLayersKeepTheCacheWhole(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 13), manager);
        Level skipLast = Level.dense(config).withSkippedLayer(config.numLayers() - 1);
        long next = 30;
        try (KvCache dense = model.newCache(manager, 1, 16); KvCache switched = model.newCache(manager, 1, 16);
             NDManager views = manager.newSubManager()) {
            int a = dense.acquire();
            int b = switched.acquire();
            step(model, dense, a, PROMPT);
            float[] expected = step(model, dense, a, new long[] {next});
            step(model.atLevel(skipLast, views), switched, b, PROMPT); // layers before the skipped one are unchanged
            IncrementalDecodingTest.assertClose(step(model, switched, b, new long[] {next}), expected);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("dropping KV groups still stores every KV head: layer 0's cache equals the dense model's")
    void droppedKvGroupsAreStillCached(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 17), manager);
        try (KvCache dense = model.newCache(manager, 1, 16); KvCache sparse = model.newCache(manager, 1, 16);
             NDManager views = manager.newSubManager()) {
            step(model, dense, dense.acquire(), PROMPT);
            step(model.atLevel(Level.dense(config).withKvGroupsKept(1), views), sparse, sparse.acquire(), PROMPT);
            assertThat(sparse.keys(0).toFloatArray()).containsExactly(dense.keys(0).toFloatArray());
            assertThat(sparse.values(0).toFloatArray()).containsExactly(dense.values(0).toFloatArray());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("back to dense after FFN/expert sparsity: the next step is the dense model's step over that same cache")
    void denseStepAfterFfnSparsityDependsOnlyOnTheCache(ModelConfig config) {
        Transformer model = new Transformer(config, WeightInit.random(config, manager, 19), manager);
        float[][] before = ModelFixture.logits(model, manager, PROMPT);
        Level ffnOnly = Level.dense(config).withFfnFraction(0.5).withExpertsKept(config.isMoe() ? 3 : 0);
        long next = 44;
        try (KvCache switched = model.newCache(manager, 1, 16); KvCache copy = model.newCache(manager, 1, 16);
             NDManager views = manager.newSubManager()) {
            int a = switched.acquire();
            step(model.atLevel(ffnOnly, views), switched, a, PROMPT);
            int b = copy.acquire();
            for (int l = 0; l < config.numLayers(); l++) { // a cache no level ever touched, holding the same entries
                switched.keys(l).copyTo(copy.keys(l));
                switched.values(l).copyTo(copy.values(l));
            }
            copy.advance(b, PROMPT.length);
            float[] afterSwitch = step(model, switched, a, new long[] {next});
            IncrementalDecodingTest.assertClose(afterSwitch, step(model, copy, b, new long[] {next}));
            assertThat(ModelFixture.maxAbsDiff(before, ModelFixture.logits(model, manager, PROMPT))).isZero(); // weights untouched
        }
    }

    @Test
    @DisplayName("a level the weights cannot run is refused before anything runs")
    void refusesLevelsTheWeightsLack() {
        ModelConfig config = TinyModels.mixtral();
        try (NDManager m = manager.newSubManager()) {
            Transformer model = new Transformer(config, WeightInit.random(config, m, 3), m);
            assertThatThrownBy(() -> model.atLevel(Level.of(1, 5, 2, Set.of(), 0), m)).hasMessageContaining("experts kept must be in 1..4");
        }
    }

    /** Keys of every layer and head are written at every cached position (the cache starts as zeros). */
    private static void assertCacheComplete(KvCache cache, int slot, int layers) {
        int length = cache.length(slot);
        for (int l = 0; l < layers; l++) {
            NDArray k = cache.keys(l).get(new NDIndex().addIndices(slot)); // (nkv, capacity, hs)
            int heads = (int) k.getShape().get(0);
            int capacity = (int) k.getShape().get(1);
            int hs = (int) k.getShape().get(2);
            float[] v = k.toFloatArray();
            for (int h = 0; h < heads; h++) {
                for (int p = 0; p < length; p++) {
                    int row = (h * capacity + p) * hs;
                    boolean written = false;
                    for (int j = 0; j < hs && !written; j++) {
                        written = v[row + j] != 0f;
                    }
                    assertThat(written).as("layer %d, KV head %d, position %d written", l, h, p).isTrue();
                }
            }
        }
    }

    private static float[] step(Transformer model, KvCache cache, int slot, long[] tokens) {
        try (NDManager m = manager.newSubManager()) {
            CachedContext ctx = new CachedContext(m, cache, new int[] {slot}, new int[] {tokens.length});
            float[] logits = model.nextTokenLogits(m.create(tokens, new Shape(1, tokens.length)), ctx).toFloatArray();
            ctx.commit();
            return logits;
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
