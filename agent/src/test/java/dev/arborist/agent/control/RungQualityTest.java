package dev.arborist.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arborist.agent.window.WindowStats;
import dev.arborist.agent.state.AgentState;
import dev.arborist.agent.state.SnapshotStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RungQualityTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final double BUDGET = 1.15;

    @Test
    @DisplayName("one window over budget is not enough: the rung is judged on all its shadow tokens since the move, once there are 256")
    void judgesThePoolSinceTheMove() {
        RungQuality quality = new RungQuality();
        assertThat(quality.overBudget("p", 2, window(2, 64, 1.17), BUDGET)).as("64 tokens at x1.17").isNull();
        assertThat(quality.overBudget("p", 2, window(2, 128, 1.05), BUDGET)).isNull();
        assertThat(quality.overBudget("p", 2, window(2, 64, 1.10), BUDGET)).as("256 tokens pooled at about x1.09").isNull();
        assertThat(quality.tokens()).isEqualTo(256);
        double pooled = quality.overBudget("p", 2, window(2, 256, 1.25), BUDGET);
        double expected = Math.exp((64 * Math.log(1.17) + 128 * Math.log(1.05) + 64 * Math.log(1.10) + 256 * Math.log(1.25)) / 512);
        assertThat(pooled).as("the pool crossed the budget").isCloseTo(expected, within(1e-12)).isGreaterThan(BUDGET);
    }

    @Test
    @DisplayName("a move to another rung or plan starts a new pool, and windows mostly at another rung do not count")
    void newRungNewPool() {
        RungQuality quality = new RungQuality();
        quality.overBudget("p", 2, window(2, 300, 1.30), BUDGET);
        assertThat(quality.overBudget("p", 1, window(2, 100, 1.30), BUDGET)).as("the window still ran rung 2").isNull();
        assertThat(quality.tokens()).isZero();
        assertThat(quality.overBudget("p", 1, window(1, 300, 1.30), BUDGET)).isCloseTo(1.30, within(1e-12));
        assertThat(quality.overBudget("q", 1, window(1, 100, 1.30), BUDGET)).as("a new plan").isNull();
        assertThat(quality.tokens()).isEqualTo(100);
    }

    @Test
    @DisplayName("the pool is in the snapshot: after a restart 64 more tokens judge the rung, not 256")
    void poolSurvivesARestart(@TempDir Path store) {
        RungQuality before = new RungQuality();
        before.overBudget("p", 2, window(2, 200, 1.20), BUDGET);
        SnapshotStore snapshots = new SnapshotStore(store, "d");
        snapshots.save(new AgentState(AgentState.SCHEMA, "d", Map.of(), null, null, List.of(),
                new DeploymentControl.ControlState(null, null, null, null, 7, before.state(), null), null));

        RungQuality after = new RungQuality();
        after.restore(snapshots.load().control().rungQuality());
        assertThat(after.tokens()).isEqualTo(200);
        assertThat(after.overBudget("p", 2, window(2, 64, 1.20), BUDGET)).isCloseTo(1.20, within(1e-12));

        RungQuality fresh = new RungQuality();
        fresh.restore(null); // a snapshot from before the pool was in it
        assertThat(fresh.state()).isNull();
        assertThat(fresh.overBudget("p", 2, window(2, 64, 1.20), BUDGET)).isNull();
    }

    private static WindowStats window(int rung, long shadowTokens, double shadowRatio) {
        return new WindowStats(T0, T0.plusSeconds(3), 20, 1, 400, 320, null, null, 0.3, 0.0, Map.of(rung, 20L), Map.of("p", 20L), Map.of(),
                Map.of(), shadowTokens, shadowRatio);
    }
}
