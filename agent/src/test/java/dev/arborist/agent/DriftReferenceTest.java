package dev.arborist.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.agent.control.DriftTracker;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.WindowTraffic;
import dev.arborist.policies.control.DriftDetector;
import dev.arborist.policies.control.DriftReport;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DriftReferenceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final double[] USAGE = {0.4, 0.3, 0.2, 0.1};
    private static final long SAMPLE = 100;

    private final TrafficShape shape = new TrafficShape(TestEvents.LAYERS, TestEvents.EXPERTS, TestEvents.FFN, TestEvents.ATTN);
    private final DriftTracker tracker = new DriftTracker(new DriftDetector(0.05, 0.05, 2), shape, SAMPLE);
    private final WindowTraffic window = new WindowTraffic(shape);

    @Test
    @DisplayName("a reference taken from traffic waits for three comparisons' worth of sampled tokens; comparisons after it take one")
    void referenceHoldsThreeSamples() {
        tracker.rebase(null, null); // a plan from calibration text: the traffic after it becomes the reference
        for (int i = 1; i <= 2; i++) {
            window.add(TestEvents.sketch("r1", USAGE, SAMPLE, 1, T0.plusSeconds(i)));
            assertThat(tracker.ready(window)).as("%d sample(s) of tokens: not yet a reference", i).isFalse();
        }
        window.add(TestEvents.sketch("r1", USAGE, SAMPLE, 1, T0.plusSeconds(3)));
        assertThat(tracker.ready(window)).isTrue();
        DriftReport first = tracker.observe(window);
        assertThat(first.score()).as("the reference itself: no distance").isZero();
        window.reset();

        window.add(TestEvents.sketch("r1", new double[] {0.1, 0.2, 0.3, 0.4}, SAMPLE, 1, T0.plusSeconds(4)));
        assertThat(tracker.ready(window)).as("one sample's tokens are enough to compare").isTrue();
        assertThat(tracker.observe(window).score()).as("reversed usage is far from the reference").isGreaterThan(0.05);
    }
}
