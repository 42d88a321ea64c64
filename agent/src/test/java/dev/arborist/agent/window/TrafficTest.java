package dev.arborist.agent.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arborist.events.StatsSketch;
import dev.arborist.model.nn.Level;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Decayed statistics and the mapping of permuted sketches back to base order. */
class TrafficTest {
    private static final TrafficShape SHAPE = new TrafficShape(1, 3, 4, 4);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static StatsSketch sketch(long[] routing, double[][] ffn, Instant end, String planId, Integer rung) {
        List<StatsSketch.Channels> channels = new ArrayList<>();
        for (int e = 0; e < ffn.length; e++) {
            channels.add(new StatsSketch.Channels(e, 1, ffn[e]));
        }
        return new StatsSketch("d", "r", end.minusSeconds(1).toString(), end.toString(), 1, 10, 10, 10, 2,
                List.of(new StatsSketch.Layer(0, 0.5, routing, new double[routing.length], channels, null)), planId, rung);
    }

    @Test
    @DisplayName("sketches are summed with a half-life in event time, whatever order they arrive in")
    void decay() {
        double[][] ffn = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
        StatsSketch old = sketch(new long[] {100, 0, 0}, ffn, T0, null, null);
        StatsSketch recent = sketch(new long[] {0, 100, 0}, ffn, T0.plusSeconds(10), null, null);
        DecayedTraffic inOrder = new DecayedTraffic(SHAPE, Duration.ofSeconds(10));
        inOrder.add(old, T0);
        inOrder.add(recent, T0.plusSeconds(10));
        DecayedTraffic reversed = new DecayedTraffic(SHAPE, Duration.ofSeconds(10));
        reversed.add(recent, T0.plusSeconds(10));
        reversed.add(old, T0);
        assertThat(inOrder.statistics().routingCounts(0)).containsExactly(50, 100, 0); // one half-life later, the old counts half
        assertThat(reversed.statistics().routingCounts(0)).containsExactly(50, 100, 0);
        assertThat(inOrder.sampledTokens()).isCloseTo(15, within(1e-9));
        assertThat(inOrder.statistics().expertUsage()[0]).containsExactly(new double[] {1 / 3.0, 2 / 3.0, 0}, within(1e-9));
        DecayedTraffic restored = DecayedTraffic.restore(SHAPE, Duration.ofSeconds(10), inOrder.state());
        assertThat(restored.statistics().ffnOutSumSquares(0, 1)).containsExactly(inOrder.statistics().ffnOutSumSquares(0, 1));
    }

    @Test
    @DisplayName("a sketch that does not fit the model changes nothing and says why")
    void rejectsWrongShapes() {
        DecayedTraffic t = new DecayedTraffic(SHAPE, Duration.ofSeconds(10));
        StatsSketch fiveExperts = sketch(new long[] {1, 1, 1, 1, 1}, new double[][] {{1, 1, 1, 1}}, T0, null, null);
        assertThatThrownBy(() -> t.add(fiveExperts, T0)).hasMessageContaining("routes to 5 experts, the model has 3");
        assertThat(t.sampledTokens()).isZero();
    }

    @Test
    @DisplayName("a permuted plan's sketch, measured at a sparse level, maps back to base order with zeros for units that did not run")
    void unpermutes() {
        PruningPlan permutation = new PruningPlan("elastic-permutation", Map.of(), List.of(
                new KvGroupPermutation(0, List.of(1, 0)),
                new ChannelPermutation(0, 2, List.of(3, 2, 1, 0)),
                new ExpertPermutation(0, List.of(2, 0, 1))));
        UnitOrder order = UnitOrder.of(permutation, SHAPE, 2);
        // served expert 0 is base expert 2, whose channel j came from base channel 3 - j; the level ran 2 experts, 2 channels
        StatsSketch served = sketch(new long[] {7, 5}, new double[][] {{9, 8}, {4, 3}}, T0, "p", 1);
        StatsSketch base = order.toBase(served);
        StatsSketch.Layer l = base.layers().get(0);
        assertThat(l.routingCounts()).containsExactly(5, 0, 7);
        assertThat(l.ffnOut()).extracting(StatsSketch.Channels::expert).containsExactly(2, 0);
        assertThat(l.ffnOut().get(0).sumSquares()).containsExactly(0, 0, 8, 9);
        assertThat(l.ffnOut().get(1).sumSquares()).containsExactly(4, 3, 0, 0);
        Level level = Level.of(0.5, 2, 1, Set.of(), 0);
        assertThat(order.keptExperts(0, level)).containsExactly(true, false, true);
        assertThat(order.keptChannels(0, 2, level)).containsExactly(false, false, true, true);
    }
}
