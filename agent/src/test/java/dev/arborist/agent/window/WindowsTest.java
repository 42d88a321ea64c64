package dev.arborist.agent.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.RequestEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WindowsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static RequestEvent request(String replica, double e2e, Integer rung, String plan) {
        return new RequestEvent("id", replica, "d", plan, rung, null, 10, 4, 0.0, 0.1, 0.02, e2e, "stop", null,
                new RequestEvent.Shadow(4, -1.0, -1.5), T0.toString());
    }

    @Test
    @DisplayName("windows align to the epoch, close a grace period after their end, report late events and survive a snapshot")
    void lifecycle() {
        Windows w = new Windows(Duration.ofSeconds(10), T0);
        assertThat(w.add(request("a", 1, 2, "p"), T0.plusSeconds(3), T0.plusSeconds(3))).isTrue();
        assertThat(w.add(request("b", 2, 2, "p"), T0.plusSeconds(4), T0.plusSeconds(4))).isTrue();
        assertThat(w.closeDue(T0.plusSeconds(11))).isEmpty(); // within the 2.5 s grace
        Windows restored = Windows.restore(Duration.ofSeconds(10), w.state(), T0.plusSeconds(11));
        List<WindowStats> closed = restored.closeDue(T0.plusMillis(12_600));
        assertThat(closed).hasSize(1);
        WindowStats s = closed.get(0);
        assertThat(s.start()).isEqualTo(T0);
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.replicas()).isEqualTo(2);
        assertThat(s.dominantPlan()).isEqualTo("p");
        assertThat(s.dominantRung()).isEqualTo(2);
        assertThat(s.shadowRatio()).isCloseTo(Math.exp(0.5), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(restored.add(request("a", 1, 2, "p"), T0.plusSeconds(5), T0.plusSeconds(13))).isFalse(); // its window closed
    }

    @Test
    @DisplayName("a window's rung is the base rung the controller set, not the sparser rung the policy table sent a request to")
    void rungIsTheBaseRung() {
        Windows w = new Windows(Duration.ofSeconds(10), T0);
        for (int i = 0; i < 3; i++) {
            w.add(request("a", 1, 3, "p").withBaseRung(1), T0.plusSeconds(2), T0.plusSeconds(2)); // table: rung 3
        }
        w.add(request("a", 1, 1, "p").withBaseRung(1), T0.plusSeconds(3), T0.plusSeconds(3));
        w.add(request("a", 1, 2, "p"), T0.plusSeconds(4), T0.plusSeconds(4)); // an older replica: no base rung, its own counts

        WindowStats s = w.closeDue(T0.plusSeconds(13)).get(0);

        assertThat(s.rungUsage()).containsEntry(1, 4L).containsEntry(2, 1L).doesNotContainKey(3);
        assertThat(s.dominantRung()).isEqualTo(1);
    }

    @Test
    @DisplayName("after a long pause only the last few empty windows are reported")
    void longPause() {
        Windows w = new Windows(Duration.ofSeconds(1), T0);
        List<WindowStats> closed = w.closeDue(T0.plusSeconds(600));
        assertThat(closed).hasSize(3).allMatch(s -> s.requests() == 0);
        assertThat(closed.get(2).end()).isEqualTo(T0.plusSeconds(599));
    }
}
