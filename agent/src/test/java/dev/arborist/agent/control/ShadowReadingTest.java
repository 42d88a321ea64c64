package dev.arborist.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arborist.agent.window.WindowStats;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ShadowReadingTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("windows that score too few tokens alone are pooled into one token-weighted reading, then pooling starts anew")
    void poolsWindowsUntilEnoughTokens() {
        ShadowReading reading = new ShadowReading();
        assertThat(reading.add(window(0, null))).as("a window without scored requests").isNull();
        assertThat(reading.add(window(40, 1.2))).as("40 tokens").isNull();
        // 40 tokens at 1.2 and 40 at 1.0: exp of the mean gap over all 80, not the mean of the two ratios
        assertThat(reading.add(window(40, 1.0))).isCloseTo(Math.sqrt(1.2), within(1e-12));
        assertThat(reading.add(window(10, 1.5))).as("a new pool of 10 tokens").isNull();
        assertThat(reading.add(window(100, 1.0))).isCloseTo(Math.exp(10 * Math.log(1.5) / 110), within(1e-12));
    }

    private static WindowStats window(long shadowTokens, Double shadowRatio) {
        return new WindowStats(T0, T0.plusSeconds(3), 20, 1, 400, 320, null, null, 0.3, 0.0, Map.of(0, 20L), Map.of("p", 20L), Map.of(),
                Map.of(), shadowTokens, shadowRatio);
    }
}
