package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.agent.state.AgentState;
import dev.arborist.agent.state.SnapshotStore;
import dev.arborist.agent.window.RequestWindow;
import dev.arborist.agent.window.WindowStats;
import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts against a real broker: offsets follow snapshots, nothing is applied or published twice. */
class RestartTest {
    private static final TopicPartition REQUESTS = new TopicPartition(Topics.REQUESTS.topic(), 0);

    @TempDir
    static Path dir;

    @TempDir
    Path store;

    private static Path model;
    private EmbeddedKafka kafka; // one broker per test: each starts from empty topics and a new group

    @BeforeAll
    static void model() throws Exception {
        model = AgentFixture.model(dir);
    }

    @BeforeEach
    void broker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterEach
    void stopBroker() {
        kafka.close();
    }

    @Test
    @DisplayName("offsets are committed only once the snapshot holds their events; a restart resumes the open window from the snapshot and counts every event once")
    void resumesFromSnapshotAndCommittedOffsets() throws Exception {
        Duration window = Duration.ofSeconds(12); // the restart happens inside one window
        AgentConfig config = AgentFixture.config(kafka, model, store, AgentFixture.slo(5.0), window).minBuildTokens(1e12).build();
        SnapshotStore snapshots = new SnapshotStore(store, DEPLOYMENT);
        Instant at;
        try (Producer<String, String> producer = AgentFixture.producer(kafka)) {
            try (Agent first = Agent.start(config)) {
                at = earlyInWindow(window);
                sendRequests(producer, "before", 7, at);
                AgentFixture.await("the first 7 offsets committed", Duration.ofSeconds(20), () -> committed() == 7);
                AgentState snapshot = snapshots.load(); // written before the commit, so it already holds the 7 events
                assertThat(snapshot.offsets()).containsEntry(REQUESTS.topic() + ":0", 7L);
                assertThat(snapshot.windows().open().values()).extracting(RequestWindow.State::requests).containsExactly(7L);
            }
            assertThat(committed()).isEqualTo(7);
            sendRequests(producer, "while-down", 5, at);
            try (Agent second = Agent.start(config)) {
                AgentFixture.await("the window of " + at, Duration.ofSeconds(30), () -> windowOf(second, at) != null);
                assertThat(windowOf(second, at).requests()).isEqualTo(12);
                AgentFixture.await("all 12 offsets committed", Duration.ofSeconds(10), () -> committed() == 12);
            }
        }
    }

    @Test
    @DisplayName("killed between publishing and committing, the agent restarts without publishing any record twice and goes on numbering its decisions")
    void crashBetweenPublishAndCommit() throws Exception {
        Duration window = Duration.ofSeconds(1);
        AgentConfig config = AgentFixture.config(kafka, model, store, AgentFixture.slo(1.0), window).build();
        AgentLoop.Hooks crash = published -> {
            throw new IllegalStateException("simulated crash after publishing " + published.size() + " records");
        };
        try (Producer<String, String> producer = AgentFixture.producer(kafka)) {
            try (Agent first = Agent.start(config, crash)) {
                for (int i = 0; i < 3; i++) {
                    AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT,
                            TestEvents.sketch("replica-a", new double[] {0.4, 0.3, 0.2, 0.1}, 100, 0, Instant.now()).encode());
                }
                producer.flush();
                AgentFixture.await("the crash", Duration.ofSeconds(45), () -> !first.alive());
                assertThat(first.failure()).hasMessageStartingWith("simulated crash");
            }
            AgentState left = new SnapshotStore(store, DEPLOYMENT).load();
            assertThat(left.outbox().records()).hasSize(2); // the plan's update and its decision: published, not yet known to be
            assertThat(committed()).isLessThanOrEqualTo(left.offsets().getOrDefault(Topics.STATS.topic() + ":0", 0L));
            ModelUpdate plan = updates().get(0);

            try (Agent second = Agent.start(config)) {
                AgentFixture.await("a recovered, empty outbox", Duration.ofSeconds(30),
                        () -> new SnapshotStore(store, DEPLOYMENT).load().outbox().isEmpty());
                Instant at = earlyInWindow(window);
                for (int i = 0; i < 10; i++) {
                    AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT,
                            TestEvents.request("slow" + i, "replica-a", plan.planId(), 0, 3.0, at).encode());
                }
                producer.flush();
                AgentFixture.await("the next decision", Duration.ofSeconds(30), () -> updates().size() == 2);
            }
        }
        assertThat(updates()).extracting(ModelUpdate::sequence).containsExactly(1L, 2L);
        assertThat(updates().get(1).rung()).isEqualTo(1);
        List<Long> sequences = agentDecisions().stream().map(Decision::sequence).toList();
        assertThat(sequences).startsWith(1L, 2L).doesNotHaveDuplicates();
        assertThat(agentDecisions().get(0).action()).isEqualTo("rebuild");
        assertThat(agentDecisions().get(1).action()).isEqualTo("sparser");
    }

    private void sendRequests(Producer<String, String> producer, String prefix, int n, Instant at) {
        for (int i = 0; i < n; i++) {
            AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT, TestEvents.request(prefix + i, "replica-a", null, 0, 0.5, at).encode());
        }
        producer.flush();
    }

    private long committed() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("arborist-agent-" + DEPLOYMENT)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(REQUESTS);
            return o == null ? 0 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ModelUpdate> updates() {
        return AgentFixture.readAll(kafka, Topics.MODELS.topic()).stream().map(r -> ModelUpdate.parse(r.value())).toList();
    }

    private List<Decision> agentDecisions() {
        return AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                .filter(d -> "agent".equals(d.replica()) && d.follows() == null).toList();
    }

    private static WindowStats windowOf(Agent agent, Instant at) {
        return agent.recentWindows().stream().filter(w -> !w.start().isAfter(at) && w.end().isAfter(at)).findFirst().orElse(null);
    }

    private static Instant earlyInWindow(Duration window) throws InterruptedException {
        long length = window.toMillis();
        while (System.currentTimeMillis() % length > length / 4) {
            Thread.sleep(10);
        }
        return Instant.now();
    }
}
