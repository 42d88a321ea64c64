package dev.arborist.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.agent.state.AgentState;
import dev.arborist.agent.state.SnapshotStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReachMemoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ReachMemory memory = new ReachMemory(Duration.ofSeconds(60));

    @Test
    @DisplayName("with nothing run cheaper than dense, any ladder reaches")
    void nothingNeeded() {
        assertThat(memory.needed(T0)).isEqualTo(1.0);
        memory.ran(T0, 1.0);
        assertThat(memory.shortfall(1.0, T0)).isNull();
    }

    @Test
    @DisplayName("a ladder whose cheapest rung costs more than a rung run within the horizon falls short, naming both; once the horizon"
            + " passes it reaches")
    void shortLadderWaitsOutTheHorizon() {
        memory.ran(T0, 0.60);
        memory.ran(T0.plusSeconds(30), 0.90);
        String why = memory.shortfall(0.75, T0.plusSeconds(30));
        assertThat(why).contains("costs 0.750 of a dense decode step", "ran at 0.600 within the last 60 s");
        assertThat(memory.shortfall(0.75, T0.plusSeconds(60))).as("the 0.60 window is 60 s old: still within").isNotNull();
        assertThat(memory.shortfall(0.75, T0.plusSeconds(61))).isNull();
        assertThat(memory.needed(T0.plusSeconds(61))).isEqualTo(0.90);
        assertThat(memory.needed(T0.plusSeconds(91))).as("nothing within the horizon: dense").isEqualTo(1.0);
    }

    @Test
    @DisplayName("a ladder within the tolerance of the cost in use reaches it")
    void withinTolerance() {
        memory.ran(T0, 0.60);
        assertThat(memory.shortfall(0.60 * (1 + ReachMemory.TOLERANCE) - 1e-9, T0)).isNull();
        assertThat(memory.shortfall(0.60 * (1 + ReachMemory.TOLERANCE) + 1e-3, T0)).isNotNull();
    }

    @Test
    @DisplayName("the windows are in the snapshot: after a restart a short ladder still waits; a snapshot without them starts empty")
    void survivesARestart(@TempDir Path store) {
        memory.ran(T0, 0.60);
        memory.ran(T0.plusSeconds(3), 0.80);
        SnapshotStore snapshots = new SnapshotStore(store, "d");
        snapshots.save(new AgentState(AgentState.SCHEMA, "d", Map.of(), null, null, List.of(),
                new DeploymentControl.ControlState(null, null, null, null, 7, null, memory.state()), null));

        ReachMemory after = new ReachMemory(Duration.ofSeconds(60));
        after.restore(snapshots.load().control().reach());
        assertThat(after.state()).isEqualTo(memory.state());
        assertThat(after.shortfall(0.75, T0.plusSeconds(10))).isNotNull();

        ReachMemory fresh = new ReachMemory(Duration.ofSeconds(60));
        fresh.restore(null);
        assertThat(fresh.needed(T0)).isEqualTo(1.0);
    }

    @Test
    @DisplayName("the horizon must be positive")
    void horizon() {
        assertThatThrownBy(() -> new ReachMemory(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("horizon");
    }
}
