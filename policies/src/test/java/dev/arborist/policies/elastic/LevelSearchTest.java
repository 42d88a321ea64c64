package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.policies.PruningProgress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The greedy path over a synthetic landscape whose costs and losses are known in closed form. */
class LevelSearchTest {
    private static final ModelConfig MOE = TinyModels.mixtral(); // 2 layers, 4 experts (top-2), 2 KV heads

    /** Each dimension costs and saves a fixed amount per step; skipping a layer is the best trade. */
    private static LevelSearch.Point landscape(Level l) {
        double ffnSteps = (1 - l.ffnFraction()) / LadderSettings.FINE_FFN_STEP;
        double experts = 4 - l.expertsKept();
        double kv = 2 - l.kvGroupsKept();
        double skipped = l.skippedLayers().size();
        double betaSteps = l.skipBeta() / LevelSearch.BETA_STEP;
        double ratio = 1 + 0.02 * ffnSteps + 0.30 * experts + 0.10 * kv + 0.05 * skipped + 0.001 * betaSteps;
        double cost = 1 - 0.04 * ffnSteps - 0.01 * experts - 0.02 * kv - 0.30 * skipped - 0.005 * betaSteps;
        return new LevelSearch.Point(l, ratio, cost);
    }

    @Test
    @DisplayName("each move changes one dimension by one step towards sparser")
    void movesAreSingleSteps() {
        LevelSearch search = new LevelSearch(MOE, List.of(1, 0), LevelSearchTest::landscape, 2, LadderSettings.FINE_FFN_STEP);
        Level dense = Level.dense(MOE);
        assertThat(search.moves(dense)).containsExactly(dense.withFfnFraction(0.9375), dense.withExpertsKept(3), dense.withKvGroupsKept(1),
                dense.withSkippedLayer(1), dense.withSkipBeta(0.1));
        Level sparsest = Level.of(0.0625, 1, 1, java.util.Set.of(1), 1.0);
        assertThat(search.moves(sparsest)).isEmpty(); // the last layer is never skipped
    }

    @Test
    @DisplayName("the path takes the best cost-per-perplexity move first, gets cheaper every step and never leaves the budget")
    void greedyPath() {
        List<Level> evaluated = new ArrayList<>();
        LevelSearch search = new LevelSearch(MOE, List.of(1, 0), l -> {
            evaluated.add(l);
            return landscape(l);
        }, 1.15, LadderSettings.FINE_FFN_STEP);
        List<LevelSearch.Point> path = search.path(PruningProgress.NONE);

        assertThat(path.get(0).level()).isEqualTo(Level.dense(MOE));
        // saved per added: skip 0.30/0.05 = 6, beta 0.005/0.002 (floor) = 2.5, ffn 0.04/0.02 = 2, kv 0.2, experts 0.03
        assertThat(path.get(1).level()).isEqualTo(Level.dense(MOE).withSkippedLayer(1));
        assertThat(path.get(2).level()).isEqualTo(Level.dense(MOE).withSkippedLayer(1).withSkipBeta(0.1));
        for (int i = 1; i < path.size(); i++) {
            assertThat(path.get(i).relativeCost()).isLessThan(path.get(i - 1).relativeCost());
            assertThat(path.get(i).perplexityRatio()).isLessThanOrEqualTo(1.15);
        }
        Level last = path.get(path.size() - 1).level();
        assertThat(last.skippedLayers()).containsExactly(1);
        assertThat(last.expertsKept()).isEqualTo(4); // never worth 0.30 of perplexity
        assertThat(last.skipBeta()).isEqualTo(1.0);
        assertThat(last.ffnFraction()).isEqualTo(1 - 4 * LadderSettings.FINE_FFN_STEP); // 1.05 + 0.01 (beta) + 4 x 0.02 = 1.14; a fifth step would reach 1.16
        assertThat(search.moves(last).stream().map(LevelSearchTest::landscape)).allMatch(p -> p.perplexityRatio() > 1.15);
        assertThat(evaluated).doesNotHaveDuplicates();
    }
}
