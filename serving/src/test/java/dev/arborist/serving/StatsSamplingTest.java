package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.serving.kafka.StatsWindow;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How often decode steps are sampled for the activation statistics. */
class StatsSamplingTest {

    @Test
    @DisplayName("one step in sample_every is sampled at the full rung; on a sparse rung, where a sampled step also widens it, "
            + TelemetryConfig.SPARSE_SAMPLING_SLOWER + " times fewer by default")
    void fewerSamplesOnASparseRung(@TempDir Path dir) throws Exception {
        TelemetryConfig config = TelemetryConfig.of("127.0.0.1:9092", "chat").withStats(2, Duration.ofMinutes(1));
        List<String> sketches = new ArrayList<>();
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (LanguageModel model = LanguageModel.load(TinyModel.create(dir)); StatsWindow window = new StatsWindow(config, sketches::add, clock)) {
            assertThat(sampled(window, model, 64, false)).isEqualTo(32);
            assertThat(sampled(window, model, 64, true)).isEqualTo(64 / (2 * TelemetryConfig.SPARSE_SAMPLING_SLOWER));
            assertThat(sampled(window, model, 64, false)).as("back at full width").isEqualTo(32);
        }
        assertThat(sketches).as("the interval never passed").isEmpty();
    }

    private static int sampled(StatsWindow window, LanguageModel model, int steps, boolean sparse) {
        int sampled = 0;
        for (int i = 0; i < steps; i++) {
            sampled += window.forStep(model, 1, null, sparse).active() ? 1 : 0;
        }
        return sampled;
    }
}
