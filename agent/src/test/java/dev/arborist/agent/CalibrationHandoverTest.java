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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over from a plan built on calibration text to one built on live traffic. */
class CalibrationHandoverTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    /** The agent's calibration pass: 16 windows of the fixture ladder's 32 tokens. */
    private static final long CALIBRATION_TOKENS = 16 * 32;
    /** The SLO's e2e target; the headroom line is at 70% of it. */
    private static final double TARGET = 30;

    @TempDir
    Path dir;

    @Test
    @DisplayName("live statistics replace the calibration plan only once they hold as many sampled tokens as its calibration pass,"
            + " and only in a calm window (dense, with headroom)")
    void handoverNeedsAsManyTokensAndACalmWindow() throws Exception {
        Path model = AgentFixture.model(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            AgentConfig config = AgentFixture.config(kafka, model, dir.resolve("store"), AgentFixture.slo(TARGET), WINDOW)
                    .calibFile(model.resolve("calib.txt")).build();
            try (Agent agent = Agent.start(config); Producer<String, String> producer = AgentFixture.producer(kafka)) {
                AgentFixture.await("the calibration plan", Duration.ofSeconds(45), () -> !rebuilds(kafka).isEmpty());
                Decision calibration = rebuilds(kafka).get(0);
                assertThat(calibration.reason()).startsWith("initial plan from the calibration text");
                Traffic traffic = new Traffic(producer, calibration.planId());

                for (int i = 0; i < 6; i++) { // calm, but fewer tokens than the calibration pass
                    traffic.send(64, 0.1);
                }
                assertThat(traffic.sent).isLessThan(CALIBRATION_TOKENS);
                assertThat(handedOver(kafka)).as("handed over on %d tokens", traffic.sent).isFalse();
                assertThat(gauge(agent.scrape(), "arborist_agent_statistics_tokens{deployment=\"" + DEPLOYMENT + "\"}"))
                        .as("the statistics gauge: the decayed tokens of the %d sent", traffic.sent).isPositive()
                        .isLessThanOrEqualTo(traffic.sent);

                for (int i = 0; i < 10; i++) { // plenty of tokens, but within the SLO without headroom
                    traffic.send(128, 0.8 * TARGET);
                }
                assertThat(handedOver(kafka)).as("handed over without a calm window").isFalse();

                for (int i = 0; i < 20 && !handedOver(kafka); i++) {
                    traffic.send(128, 0.1);
                }
                assertThat(handedOver(kafka)).as("handed over once calm").isTrue();
            }
        }
    }

    /** The value of one sample line of a Prometheus exposition. */
    private static double gauge(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("%s in the exposition", sample).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Sketches and request events as one serving replica sends them, one batch per call, then a window and a half's wait. */
    private static final class Traffic {
        private final Producer<String, String> producer;
        private final String planId;
        private long sent;
        private int batch;

        Traffic(Producer<String, String> producer, String planId) {
            this.producer = producer;
            this.planId = planId;
        }

        void send(long tokens, double e2eSeconds) throws InterruptedException {
            Instant now = Instant.now();
            AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT,
                    TestEvents.sketch("replica-a", new double[] {0.4, 0.3, 0.2, 0.1}, tokens, sent, now).encode());
            for (int i = 0; i < 6; i++) {
                AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT,
                        TestEvents.request("r" + batch + "-" + i, "replica-a", planId, 0, e2eSeconds, now).encode());
            }
            producer.flush();
            sent += tokens;
            batch++;
            Thread.sleep(WINDOW.toMillis() * 3 / 2); // a window closes and the agent may start a build (the sums decay, 10 s half-life)
        }
    }

    private static boolean handedOver(EmbeddedKafka kafka) {
        return rebuilds(kafka).stream().anyMatch(d -> d.reason().startsWith("live statistics replace"));
    }

    private static List<Decision> rebuilds(EmbeddedKafka kafka) {
        return AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                .filter(d -> "agent".equals(d.replica()) && "rebuild".equals(d.action()) && d.reason() != null).toList();
    }
}
