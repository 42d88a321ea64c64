package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over from a plan built on calibration text to one built on live traffic. */
class CalibrationHandoverTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    /** The agent's calibration pass: 16 windows of the fixture ladder's 32 tokens. */
    private static final long CALIBRATION_TOKENS = 16 * 32;
    private static final long TOKENS_PER_SKETCH = 128;

    @TempDir
    Path dir;

    @Test
    @DisplayName("live statistics replace the calibration plan only once they hold as many sampled tokens as its calibration pass")
    void liveStatisticsReplaceCalibrationOnlyWhenAsRich() throws Exception {
        Path model = AgentFixture.model(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            AgentConfig config = AgentFixture.config(kafka, model, dir.resolve("store"), AgentFixture.slo(30), WINDOW)
                    .calibFile(model.resolve("calib.txt")).build();
            try (Agent agent = Agent.start(config); Producer<String, String> producer = AgentFixture.producer(kafka)) {
                AgentFixture.await("the calibration plan", Duration.ofSeconds(45), () -> !rebuilds(kafka).isEmpty());
                assertThat(rebuilds(kafka).get(0).reason()).startsWith("initial plan from the calibration text");

                long sent = 0;
                long sentAtHandover = -1;
                while (sentAtHandover < 0 && sent < 4 * CALIBRATION_TOKENS) {
                    AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT,
                            TestEvents.sketch("replica-a", new double[] {0.4, 0.3, 0.2, 0.1}, TOKENS_PER_SKETCH, sent, Instant.now()).encode());
                    producer.flush();
                    long before = sent;
                    sent += TOKENS_PER_SKETCH;
                    Thread.sleep(WINDOW.toMillis() * 3 / 2); // a window closes and the agent may start a build (the sums decay, 10 s half-life)
                    if (rebuilds(kafka).stream().anyMatch(d -> d.reason().startsWith("live statistics replace"))) {
                        sentAtHandover = before + TOKENS_PER_SKETCH;
                    }
                }
                assertThat(sentAtHandover).as("sampled tokens sent when the live plan was started").isPositive()
                        .isGreaterThanOrEqualTo(CALIBRATION_TOKENS);
            }
        }
    }

    private static List<Decision> rebuilds(EmbeddedKafka kafka) {
        return AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                .filter(d -> "agent".equals(d.replica()) && "rebuild".equals(d.action()) && d.reason() != null).toList();
    }
}
