package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.Engines;
import dev.arborist.policies.structured.importance.GateWeightedFrequencyImportance;
import dev.arborist.policies.structured.importance.RoutingFrequencyImportance;
import dev.arborist.policies.structured.importance.TopScores;
import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GateWeightedFrequencyTest {

    @Test
    @DisplayName("gate-weighted frequency ranks by summed gates: one confident pick outweighs two hesitant ones")
    void ranksByGateSums() {
        try (NDManager m = Engines.newManager(); ActivationStatistics stats = new ActivationStatistics(4, false, m)) {
            // four tokens, two experts each: counts 2, 1, 3, 2; gate sums 1.3, 0.9, 1.0, 0.8
            stats.routing(0, new long[] {0, 2, 0, 3, 2, 3, 1, 2}, new float[] {.6f, .4f, .7f, .3f, .5f, .5f, .9f, .1f}, 2);
            PruningGroup experts = new PruningGroup(UnitKind.EXPERT, 0, -1, 4, List.of());
            TrafficStatistics traffic = TrafficStatistics.of(stats);

            assertThat(new TopScores(new GateWeightedFrequencyImportance(traffic)).ranking(experts)).containsExactly(0, 2, 1, 3);
            assertThat(new TopScores(new RoutingFrequencyImportance(traffic)).ranking(experts)).containsExactly(2, 0, 3, 1);
        }
    }

    @Test
    @DisplayName("experts never picked tie at zero and keep their index order; other groups are refused")
    void unusedExpertsAndWrongGroups() {
        try (NDManager m = Engines.newManager(); ActivationStatistics stats = new ActivationStatistics(4, false, m)) {
            stats.routing(0, new long[] {3, 1}, new float[] {.8f, .2f}, 2);
            GateWeightedFrequencyImportance criterion = new GateWeightedFrequencyImportance(TrafficStatistics.of(stats));
            assertThat(new TopScores(criterion).ranking(new PruningGroup(UnitKind.EXPERT, 0, -1, 4, List.of()))).containsExactly(3, 1, 0, 2);
            assertThatThrownBy(() -> criterion.scores(new PruningGroup(UnitKind.LAYER, -1, -1, 2, List.of())))
                    .hasMessageContaining("scores experts, not LAYER");
        }
    }
}
