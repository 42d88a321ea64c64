package dev.arborist.model.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ActivationStatisticsTest {
    private static final long[] TOKENS = {4, 9, 16, 25, 36, 49, 64, 81, 3, 7};
    private static NDManager manager;
    private static ModelConfig config;
    private static Transformer model;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
        config = TinyModels.mixtral();
        model = new Transformer(config, WeightInit.random(config, manager, 13), manager);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    @DisplayName("routing: every token picks k experts whose renormalised gates sum to one")
    void routingInvariants() {
        try (ActivationStatistics stats = observe(0.0)) {
            for (int l = 0; l < config.numLayers(); l++) {
                long[] counts = stats.routingCounts(l);
                assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo((long) TOKENS.length * config.expertsPerToken());
                assertThat(java.util.Arrays.stream(stats.gateSums(l)).sum()).isCloseTo(TOKENS.length, Offset.offset(1e-4));
                for (int e = 0; e < config.numExperts(); e++) {
                    ChannelStats in = stats.channels(l, LinearSite.FFN_IN, e);
                    assertThat(in == null ? 0 : in.rows()).as("rows seen by expert %d", e).isEqualTo(counts[e]);
                }
            }
        }
    }

    @Test
    @DisplayName("NAEE skipping with beta = 1 runs only the top expert per token, with gate 1")
    void skipEverySecondExpert() {
        try (ActivationStatistics stats = observe(1.0)) {
            assertThat(java.util.Arrays.stream(stats.routingCounts(0)).sum()).isEqualTo(TOKENS.length);
            assertThat(java.util.Arrays.stream(stats.gateSums(0)).sum()).isCloseTo(TOKENS.length, Offset.offset(1e-4));
        }
    }

    @Test
    @DisplayName("channel statistics equal the squared column sums of the layer input; block influence is in [0, 2]")
    void channelSumsAndInfluence() {
        try (ActivationStatistics stats = observe(0.0); NDManager m = manager.newSubManager()) {
            // Layer 0's q/k/v input is RMSNorm(embedding) * gain, recomputed here by hand.
            NDArray x = model.weights().embed().get(new ai.djl.ndarray.index.NDIndex("{}", m.create(TOKENS)));
            NDArray normed = x.div(x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt())
                    .mul(model.weights().layers().get(0).inputNorm());
            float[] expected = normed.square().sum(new int[] {0}).toFloatArray();
            double[] actual = stats.channels(0, LinearSite.ATTN_QKV, -1).sumSquares();
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).isCloseTo(expected[j], Offset.offset(1e-3 * (1 + expected[j])));
            }
            for (int l = 0; l < config.numLayers(); l++) {
                assertThat(stats.blockInfluence(l)).isBetween(0.0, 2.0);
            }
        }
    }

    @Test
    @DisplayName("padding rows of a batched prefill leave the statistics unchanged")
    void paddingExcluded() {
        try (ActivationStatistics alone = new ActivationStatistics(config.numExperts(), true, manager);
             ActivationStatistics batched = new ActivationStatistics(config.numExperts(), true, manager);
             KvCache cache = model.newCache(manager, 2, 32)) {
            int[] shortPrompt = {5, 6, 7};
            int[] longPrompt = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            BatchDecoder decoder = new BatchDecoder(manager);
            int a = cache.acquire();
            decoder.step(model, cache, new int[] {a}, new int[][] {shortPrompt}, alone);
            cache.release(a);
            a = cache.acquire();
            decoder.step(model, cache, new int[] {a}, new int[][] {longPrompt}, alone);
            cache.release(a);
            int s1 = cache.acquire();
            int s2 = cache.acquire();
            decoder.step(model, cache, new int[] {s1, s2}, new int[][] {shortPrompt, longPrompt}, batched);
            for (int l = 0; l < config.numLayers(); l++) {
                assertThat(batched.routingCounts(l)).containsExactly(alone.routingCounts(l));
                double[] x = alone.channels(l, LinearSite.ATTN_QKV, -1).sumSquares();
                double[] y = batched.channels(l, LinearSite.ATTN_QKV, -1).sumSquares();
                for (int j = 0; j < x.length; j++) {
                    assertThat(y[j]).isCloseTo(x[j], Offset.offset(1e-3 * (1 + x[j])));
                }
                NDArray h1 = alone.gramian(new SiteKey(l, LinearSite.ATTN_OUT, -1));
                NDArray h2 = batched.gramian(new SiteKey(l, LinearSite.ATTN_OUT, -1));
                assertThat(h1.sub(h2).abs().max().getFloat()).isLessThan(1e-3f);
            }
        }
    }

    @Test
    @DisplayName("a collector restricted to some sites gathers exactly those, and the same numbers for them")
    void onlyTheSitesAsked() {
        try (ActivationStatistics all = observe(0.0);
                ActivationStatistics some = observe(0.0, java.util.EnumSet.of(LinearSite.FFN_OUT, LinearSite.ATTN_OUT))) {
            assertThat(some.observes(LinearSite.FFN_IN)).isFalse();
            assertThat(some.observes(LinearSite.FFN_OUT)).isTrue();
            for (int l = 0; l < config.numLayers(); l++) {
                assertThat(some.channels(l, LinearSite.ATTN_QKV, -1)).isNull();
                assertThat(some.channels(l, LinearSite.ATTN_OUT, -1).sumSquares()).containsExactly(all.channels(l, LinearSite.ATTN_OUT, -1).sumSquares(), Offset.offset(1e-4));
                for (int e = 0; e < config.numExperts(); e++) {
                    assertThat(some.channels(l, LinearSite.FFN_IN, e)).isNull();
                    ChannelStats out = all.channels(l, LinearSite.FFN_OUT, e);
                    if (out != null) {
                        assertThat(some.channels(l, LinearSite.FFN_OUT, e).sumSquares()).containsExactly(out.sumSquares(), Offset.offset(1e-4));
                    }
                }
                assertThat(some.routingCounts(l)).containsExactly(all.routingCounts(l)); // routing and influence are not sites
                assertThat(some.blockInfluence(l)).isCloseTo(all.blockInfluence(l), Offset.offset(1e-6));
            }
        }
    }

    private ActivationStatistics observe(double beta) {
        return observe(beta, java.util.EnumSet.allOf(LinearSite.class));
    }

    private ActivationStatistics observe(double beta, java.util.Set<LinearSite> sites) {
        ModelWeights w = model.weights();
        java.util.List<dev.arborist.model.nn.LayerWeights> layers = new java.util.ArrayList<>();
        for (var lw : w.layers()) {
            layers.add(new dev.arborist.model.nn.LayerWeights(lw.inputNorm(), lw.attention(), lw.postNorm(), null, lw.moe().withSkipBeta(beta)));
        }
        Transformer m = model.withWeights(w.withLayers(layers));
        ActivationStatistics stats = new ActivationStatistics(config.numExperts(), false, manager, sites);
        try (NDManager scratch = manager.newSubManager()) {
            m.hidden(scratch.create(TOKENS, new Shape(1, TOKENS.length)), new CausalContext(scratch, TOKENS.length).instrument(stats));
        }
        return stats;
    }
}
