package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arborist.agent.window.WindowStats;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.RequestEvent;
import dev.arborist.events.StatsSketch;
import dev.arborist.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent takes in from a real broker: bad records skipped and counted, replicas merged into one window. */
class TelemetryIntakeTest {
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final String REQUESTS = Topics.REQUESTS.topic();
    private static final String STATS = Topics.STATS.topic();

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static Path model;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        model = AgentFixture.model(dir);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    @DisplayName("malformed, unknown-schema and other deployments' events are counted by reason and skipped; two replicas' requests merge into one window whose p95 is the merged one; its live shadow ratio is exported")
    void skipsBadEventsAndMergesReplicas() throws Exception {
        AgentConfig config = AgentFixture.config(kafka, model, dir.resolve("store"), AgentFixture.slo(5.0), WINDOW)
                .minBuildTokens(1e12).build(); // no plan builds here
        try (Agent agent = Agent.start(config); Producer<String, String> producer = AgentFixture.producer(kafka)) {
            Instant now = earlyInWindow();
            AgentFixture.send(producer, REQUESTS, DEPLOYMENT, "{not json");
            AgentFixture.send(producer, REQUESTS, DEPLOYMENT, null); // a tombstone
            AgentFixture.send(producer, REQUESTS, DEPLOYMENT, "{\"schema\":\"arborist.request.v1\",\"prompt_tokens\":\"many\"}");
            AgentFixture.send(producer, REQUESTS, DEPLOYMENT, "{\"schema\":\"arborist.request.v9\",\"deployment\":\"prod\"}");
            AgentFixture.send(producer, REQUESTS, "staging", TestEvents.request("x", "a", null, 0, 1, now).encode().replace("\"prod\"", "\"staging\""));
            AgentFixture.send(producer, REQUESTS, DEPLOYMENT, TestEvents.request("y", "a", null, 0, 1, now).encode().replace("\"prod\"", "\"staging\""));
            StatsSketch sketch = TestEvents.sketch("a", new double[] {0.25, 0.25, 0.25, 0.25}, 10, 1, now);
            AgentFixture.send(producer, STATS, DEPLOYMENT, sketch.encode().replace("\"routing_counts\":[", "\"routing_counts\":[1,"));
            StatsSketch otherPlan = new StatsSketch(DEPLOYMENT, "a", sketch.windowStart(), sketch.windowEnd(), 1, 10, 10, 10, 2,
                    sketch.layers(), "a-plan-this-agent-never-published", 1);
            AgentFixture.send(producer, STATS, DEPLOYMENT, otherPlan.encode());
            for (int i = 1; i <= 100; i++) { // replica a: 0.01..1.00 s, replica b: 1.01..2.00 s
                // replica a's first ten were shadow-scored: 8 tokens each, 0.1 nats a token likelier under the level than under dense
                RequestEvent.Shadow shadow = i <= 10 ? new RequestEvent.Shadow(8, -1.9, -2.0) : null;
                AgentFixture.send(producer, REQUESTS, DEPLOYMENT, TestEvents.request("a" + i, "replica-a", null, 0, 0.01 * i, now, shadow).encode());
                AgentFixture.send(producer, REQUESTS, DEPLOYMENT, TestEvents.request("b" + i, "replica-b", null, 0, 1 + 0.01 * i, now).encode());
            }
            AgentFixture.send(producer, STATS, DEPLOYMENT, sketch.encode());
            producer.flush();

            WindowStats w = awaitWindow(agent, now);
            assertThat(w.requests()).isEqualTo(200);
            assertThat(w.replicas()).isEqualTo(2);
            // rank 190 of 200 is replica b's 90th value, 1.90 s; the mean of the two replicas' p95s would be 1.45 s
            assertThat(w.e2eP95()).isCloseTo(1.90, within(1.90 * 0.01));
            assertThat(w.ttftP95()).isCloseTo(1.90 / 4, within(1.90 / 4 * 0.01));
            AgentFixture.await("skip counters of the stats topic and no lag", Duration.ofSeconds(10),
                    () -> agent.scrape().contains(skipped(STATS, "malformed", 1)) && agent.scrape().contains(skipped(STATS, "unknown_plan", 1))
                            && agent.scrape().contains("arborist_agent_consumer_lag_records{topic=\"" + REQUESTS + "\"} 0.0"));
            assertThat(agent.scrape())
                    .contains(skipped(REQUESTS, "malformed", 3))
                    .contains(skipped(REQUESTS, "unknown_schema", 1))
                    .contains(skipped(REQUESTS, "other_deployment", 2))
                    .contains(skipped(REQUESTS, "late", 0))
                    .contains("arborist_agent_observed_latency_seconds{deployment=\"prod\",metric=\"e2e_p95\"}")
                    .contains("arborist_agent_shadow_quality_ratio{deployment=\"prod\"} 1.105"); // exp(0.1) over 80 >= 64 scored tokens
            assertThat(agent.alive()).isTrue();
        }
    }

    private static String skipped(String topic, String reason, int n) {
        return "arborist_agent_events_skipped_total{reason=\"" + reason + "\",topic=\"" + topic + "\"} " + n + ".0";
    }

    /** Now, unless the window is past its first third: then the start of the next one (events then cannot be late). */
    private static Instant earlyInWindow() throws InterruptedException {
        long length = WINDOW.toMillis();
        while (System.currentTimeMillis() % length > length / 3) {
            Thread.sleep(10);
        }
        return Instant.now();
    }

    private static WindowStats awaitWindow(Agent agent, Instant at) throws InterruptedException {
        WindowStats[] found = new WindowStats[1];
        AgentFixture.await("the window of " + at, Duration.ofSeconds(20), () -> {
            List<WindowStats> closed = agent.recentWindows().stream().filter(w -> !w.start().isAfter(at) && w.end().isAfter(at)).toList();
            found[0] = closed.isEmpty() ? null : closed.get(0);
            return found[0] != null;
        });
        return found[0];
    }
}
