package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DecodeCostTest {

    @Test
    @DisplayName("dense costs 1; every single-dimension move costs less; fewer experts run per token cost less")
    void movesLowerTheCost() {
        ModelConfig config = TinyModels.mixtral();
        try (NDManager m = Engines.newManager()) {
            ModelWeights weights = WeightInit.random(config, m, 1);
            DecodeCost cost = new DecodeCost(config, weights, 8);
            Level dense = Level.dense(config);
            assertThat(cost.relative(dense, 2)).isCloseTo(1.0, within(1e-12));
            LevelSearch search = new LevelSearch(config, List.of(0, 1), l -> null, 2, LadderSettings.FINE_FFN_STEP);
            for (Level move : search.moves(dense)) {
                double expertsPerToken = move.skipBeta() > 0 ? 1.7 : 2; // skipping is seen as fewer experts run
                assertThat(cost.relative(move, expertsPerToken)).as(move.describe()).isLessThan(1.0);
            }
            assertThat(cost.relative(dense, 1.5)).isLessThan(cost.relative(dense, 1.8));
            assertThat(cost.relative(dense.withSkippedLayer(0), 2)).isGreaterThan(0.5 * DecodeCost.SKIPPED_LAYER_OPS); // k/v still read
        }
    }

    @Test
    @DisplayName("at batch 1 an expert's weights serve one token; at batch 8 they are shared, so fewer experts save more")
    void batchSharesExpertWeights() {
        ModelConfig config = TinyModels.mixtral();
        try (NDManager m = Engines.newManager()) {
            ModelWeights weights = WeightInit.random(config, m, 1);
            Level twoExperts = Level.dense(config).withExpertsKept(2);
            double batch1 = new DecodeCost(config, weights, 1).relative(twoExperts, 2);
            double batch8 = new DecodeCost(config, weights, 8).relative(twoExperts, 2);
            // at batch 1 both read the 2 chosen experts; only the 2 x 2 dropped router rows are saved
            assertThat(batch1).isCloseTo(1.0 - 2.0 * config.hiddenSize() * config.numLayers() / totalWeightsAtBatch1(config), within(1e-9));
            assertThat(batch8).isLessThan(batch1);
        }
    }

    /** Weights plus overhead of a dense batch-1 step, in the cost model's units. */
    private static double totalWeightsAtBatch1(ModelConfig c) {
        long d = c.hiddenSize();
        long attention = 2L * d * c.numHeads() * c.headDim() + 2L * d * c.numKvHeads() * c.headDim();
        long moe = (long) c.numExperts() * d + 2L * 3 * d * c.intermediateSize();
        double weights = (double) c.vocabSize() * d + c.numLayers() * (attention + moe);
        return weights / (1 - DecodeCost.OVERHEAD_SHARE);
    }
}
