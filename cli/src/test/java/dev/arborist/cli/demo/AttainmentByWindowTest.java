package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AttainmentByWindowTest {
    private static final double SLO = 1.0;

    /** One request finishing every second for {@code seconds} s at 0.5 s, except {@code slowAt} (finishing then) at 3 s. */
    private static List<TrafficGenerator.Result> steady(int seconds, double... slowAt) {
        List<TrafficGenerator.Result> results = new ArrayList<>();
        for (int t = 1; t <= seconds; t++) {
            results.add(new TrafficGenerator.Result(t - 0.5, 0.5, 200, PromptPool.Domain.CHAT));
        }
        for (double t : slowAt) {
            results.add(new TrafficGenerator.Result(t - 3, 3, 200, PromptPool.Domain.CHAT));
        }
        return results;
    }

    @Test
    @DisplayName("a short burst fails the one window it falls in at every length: 1 of 4, 2 and 1 windows")
    void burstFailsItsWindow() {
        Map<Integer, Double> shares = AttainmentByWindow.of(steady(60, 20, 20.5), SLO, 60, List.of());

        // 15 s windows: 17 requests in (15, 30], 2 of them slow: the p95 (the 17th of 17) is a slow one; 30 s: the 31st of 32
        assertThat(shares).containsEntry(15, 0.75).containsEntry(30, 0.5);
        // 60 s: 62 requests, 2 slow: the p95 (the 59th) is fast
        assertThat(shares).containsEntry(60, 1.0);
    }

    @Test
    @DisplayName("windows ending inside a converging span are left out; failed requests miss the SLO; empty windows are within it")
    void convergingFailedAndEmpty() {
        Map<Integer, Double> excluded = AttainmentByWindow.of(steady(60, 20, 20.5), SLO, 60, List.<double[]>of(new double[] {10, 30}));
        assertThat(excluded).containsEntry(15, 1.0).containsEntry(30, 1.0); // the windows ending at 15 and 30 s are left out

        List<TrafficGenerator.Result> failed = new ArrayList<>(steady(30));
        failed.add(new TrafficGenerator.Result(5, 0.1, 503, PromptPool.Domain.CHAT));
        failed.add(new TrafficGenerator.Result(6, 0.1, 503, PromptPool.Domain.CHAT));
        assertThat(AttainmentByWindow.of(failed, SLO, 30, List.of())).containsEntry(15, 0.5);
        assertThat(AttainmentByWindow.of(List.of(), SLO, 30, List.of())).containsEntry(15, 1.0);
    }
}
