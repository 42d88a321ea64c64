package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifelong behaviour against a real broker: traffic shifts, the agent rebuilds, and rolls the new plan back when it does worse. */
class DriftRebuildTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final double[] BEFORE = {0.4, 0.3, 0.2, 0.1};
    private static final double[] AFTER = {0.05, 0.05, 0.1, 0.8}; // traffic moves to the expert that mattered least

    @TempDir
    static Path dir;

    private static Path model;
    private EmbeddedKafka kafka; // one broker per test: each starts from empty topics

    @BeforeAll
    static void createModel() throws Exception {
        model = AgentFixture.model(dir);
    }

    @BeforeEach
    void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterEach
    void stopBroker() {
        kafka.close();
    }

    @Test
    @DisplayName("expert usage shifts: drift is confirmed and a new plan built from the recent statistics; when it serves slower than the old one at the same load, the old plan comes back")
    void driftRebuildAndPlanRollback() throws Exception {
        try (Agent agent = Agent.start(config("store-rollback", AgentFixture.slo(1.0))); Producer<String, String> producer = AgentFixture.producer(kafka)) {
            ModelUpdate first = firstPlan(agent, producer);

            ModelUpdate rebuilt = awaitUpdate(agent, u -> !u.planId().equals(first.planId()), at -> {
                sendWindow(producer, first.planId(), 0.5, at);
                AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT, TestEvents.sketch("a", AFTER, 100, 0, at).encode());
            });
            Decision rebuild = decision(rebuilt.sequence());
            assertThat(rebuild.action()).isEqualTo("rebuild");
            assertThat(rebuild.reason()).startsWith("drift: expert-usage JS");
            assertThat(agent.scrape()).contains("arborist_agent_plan_builds_total{deployment=\"prod\",result=\"published\"} 2.0");

            ModelUpdate back = awaitUpdate(agent, u -> u.sequence() > rebuilt.sequence(), at -> sendWindow(producer, rebuilt.planId(), 0.8, at));
            assertThat(back.planId()).isEqualTo(first.planId());
            Decision rollback = decision(back.sequence());
            assertThat(rollback.action()).isEqualTo("rollback");
            assertThat(rollback.reason()).contains("e2e p95 less queue wait rose from").contains("at a similar request rate");
            Decision measured = agentDecisions().stream().filter(d -> Objects.equals(d.follows(), rebuilt.sequence())).findFirst().orElseThrow();
            // 0.8 s after 0.5 s, each p95 within the histogram's 1%
            assertThat(measured.measured()).hasEntrySatisfying("latency_ratio", r -> assertThat(r).isBetween(1.6 * 0.98, 1.6 * 1.02));
        }
    }

    @Test
    @DisplayName("a drift confirmed while the SLO is violated waits: no rebuild until a window is within the SLO again")
    void rebuildWaitsWhileTheSloIsViolated() throws Exception {
        // windows of 10 requests are too few for the controller (min 50), so it holds at dense and drift is compared over every
        // unit; the rebuild rule still sees each window's latency against the target
        SloSpec holdingController = SloSpec.builder(DEPLOYMENT).e2eP95Seconds(1.0).qualityBudget(0.5).cooldown(Duration.ZERO).minRequests(50)
                .build();
        try (Agent agent = Agent.start(config("store-wait", holdingController)); Producer<String, String> producer = AgentFixture.producer(kafka)) {
            ModelUpdate first = firstPlan(agent, producer);
            Predicate<ModelUpdate> rebuilt = u -> !u.planId().equals(first.planId());

            // the shifted traffic arrives with a latency over the SLO: the drift is confirmed (2 windows) but must wait
            long violating = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < deadline) {
                Instant at = Instant.now();
                sendWindow(producer, first.planId(), 1.5, at);
                AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT, TestEvents.sketch("a", AFTER, 100, 0, at).encode());
                violating++;
                Thread.sleep(WINDOW.toMillis() - System.currentTimeMillis() % WINDOW.toMillis());
            }
            assertThat(updates().stream().filter(rebuilt)).as("no rebuild during %d violating windows", violating).isEmpty();

            ModelUpdate after = awaitUpdate(agent, rebuilt, at -> {
                sendWindow(producer, first.planId(), 0.5, at);
                AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT, TestEvents.sketch("a", AFTER, 100, 0, at).encode());
            });
            assertThat(decision(after.sequence()).reason()).startsWith("drift: expert-usage JS");
        }
    }

    /** Drift over 512-token samples, two in a row; a short half-life so the rebuild sees the new traffic. */
    private AgentConfig config(String store, SloSpec slo) {
        return AgentFixture.config(kafka, model, dir.resolve(store), slo, WINDOW).drift(new AgentConfig.DriftSettings(0.05, 0.05, 2, 512))
                .statsHalfLife(Duration.ofSeconds(2)).build();
    }

    /** The plan built from the traffic before the shift. */
    private ModelUpdate firstPlan(Agent agent, Producer<String, String> producer) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT, TestEvents.sketch("a", BEFORE, 100, 0, Instant.now()).encode());
        }
        producer.flush();
        return awaitUpdate(agent, u -> true, null);
    }

    private void sendWindow(Producer<String, String> producer, String planId, double e2e, Instant at) {
        for (int i = 0; i < 10; i++) {
            AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT,
                    TestEvents.request(planId.substring(0, 8) + at.toEpochMilli() + "-" + i, "a", planId, 0, e2e, at).encode());
        }
        producer.flush();
    }

    /** Feeds one window at a time (early in it, so nothing arrives late) until an update matching {@code which} is on the topic. */
    private ModelUpdate awaitUpdate(Agent agent, Predicate<ModelUpdate> which, Consumer<Instant> feed)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long length = WINDOW.toMillis();
        while (System.nanoTime() < deadline) {
            List<ModelUpdate> found = updates().stream().filter(which).toList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (feed != null && System.currentTimeMillis() % length < length / 3) {
                Instant at = Instant.now();
                feed.accept(at);
                Thread.sleep(length - System.currentTimeMillis() % length); // one batch per window
            } else {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no model update as expected; agent alive: " + agent.alive() + ", windows: " + agent.recentWindows());
    }

    private List<ModelUpdate> updates() {
        return AgentFixture.readAll(kafka, Topics.MODELS.topic()).stream().map(r -> ModelUpdate.parse(r.value())).toList();
    }

    private Decision decision(long sequence) {
        return agentDecisions().stream().filter(d -> Objects.equals(d.sequence(), sequence)).findFirst().orElseThrow();
    }

    private List<Decision> agentDecisions() {
        return AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                .filter(d -> "agent".equals(d.replica())).toList();
    }
}
