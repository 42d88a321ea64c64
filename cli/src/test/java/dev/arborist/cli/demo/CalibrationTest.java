package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    /** {@code perSecond} requests finishing in each second of {@code seconds} at {@code latency} s. */
    private static List<TrafficGenerator.Result> steady(int seconds, int perSecond, double latency) {
        List<TrafficGenerator.Result> results = new ArrayList<>();
        for (int t = 0; t < seconds; t++) {
            for (int i = 0; i < perSecond; i++) {
                double finished = t + (i + 0.5) / perSecond;
                results.add(new TrafficGenerator.Result(finished - latency, latency, 200, PromptPool.Domain.CHAT));
            }
        }
        return results;
    }

    @Test
    @DisplayName("the probe's p95 is the median window's: one burst sets the whole probe's p95 but only its own window's")
    void oneBurstDoesNotSetTheP95() {
        List<TrafficGenerator.Result> results = steady(30, 10, 0.4); // ten 3-s windows of 30 requests at 0.4 s
        for (int i = 0; i < 20; i++) { // a burst: 20 requests finishing in (6, 9] at 1.2 s
            results.add(new TrafficGenerator.Result(7 - 1.2 + i * 0.1, 1.2, 200, PromptPool.Domain.CHAT));
        }

        assertThat(Quantiles.p95(results.stream().map(TrafficGenerator.Result::e2eSeconds).toList())).isEqualTo(1.2);
        assertThat(Quantiles.median(Calibration.windowP95s(results, 3))).isEqualTo(0.4);
    }

    @Test
    @DisplayName("windows are judged by when requests finish; the median of an even count is the middle two's mean")
    void windowsByFinishTime() {
        List<TrafficGenerator.Result> results = new ArrayList<>(steady(6, 10, 0.2)); // windows [0,3) and [3,6) at 0.2 s
        // sent in the first window, finished in the second: makes the second window's p95 1.0 s
        results.add(new TrafficGenerator.Result(2.5, 1.0, 200, PromptPool.Domain.CHAT));
        results.add(new TrafficGenerator.Result(2.6, 1.0, 200, PromptPool.Domain.CHAT));

        assertThat(Calibration.windowP95s(results, 3)).containsExactly(0.2, 1.0);
        assertThat(Quantiles.median(Calibration.windowP95s(results, 3))).isEqualTo((0.2 + 1.0) / 2);
        assertThat(Quantiles.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Quantiles.median(List.of())).isNaN();
    }
}
