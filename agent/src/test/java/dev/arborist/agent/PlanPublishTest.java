package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.plan.PlanArtifact;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publishing half of the loop against a real broker: build from sketches, move along the ladder, roll back. */
class PlanPublishTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);

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
    @DisplayName("a plan built from live sketches is verified, stored and announced; an SLO violation moves it a rung sparser; a move that made latency worse in two windows in a row is rolled back")
    void buildMoveRollBack() throws Exception {
        AgentConfig config = AgentFixture.config(kafka, model, dir.resolve("store"), AgentFixture.slo(1.0), WINDOW).build();
        try (Agent agent = Agent.start(config); Producer<String, String> producer = AgentFixture.producer(kafka);
             LanguageModel base = LanguageModel.load(model)) {
            for (int i = 0; i < 3; i++) {
                AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT,
                        TestEvents.sketch("replica-a", new double[] {0.4, 0.3, 0.2, 0.1}, 100, 0, Instant.now()).encode());
            }
            producer.flush();
            ModelUpdate plan = awaitUpdate(u -> true);
            Decision built = decision(plan.sequence());
            assertThat(built.action()).isEqualTo("rebuild");
            assertThat(built.planId()).isEqualTo(plan.planId());
            assertThat(built.toRung()).isZero();
            assertThat(plan.rung()).isZero();
            ElasticArtifact artifact = ElasticArtifact.read(plan.localPath(), base); // sha256 of every file and the base fingerprint
            assertThat(artifact.id()).isEqualTo(plan.planId());
            assertThat(artifact.manifest().files().get(PlanArtifact.PLAN_FILE)).isEqualTo(plan.sha256()); // read() checked the file against it
            assertThat(plan.baseSha256()).isEqualTo(base.fingerprint());
            assertThat(artifact.plan().ladder().size()).isGreaterThanOrEqualTo(2);
            assertThat(artifact.manifest().quality()).containsKey("rung_1_quality_ratio");
            assertThat(agent.scrape()).contains("arborist_agent_plan_builds_total{deployment=\"prod\",result=\"published\"} 1.0");

            sendWindow(agent, producer, plan.planId(), 0, 2.0); // p95 2 s over the 1 s target
            ModelUpdate sparser = awaitUpdate(u -> u.sequence() > plan.sequence());
            assertThat(sparser.rung()).isEqualTo(1);
            assertThat(sparser).extracting(ModelUpdate::planId, ModelUpdate::uri, ModelUpdate::sha256, ModelUpdate::baseSha256)
                    .containsExactly(plan.planId(), plan.uri(), plan.sha256(), plan.baseSha256());
            Decision move = decision(sparser.sequence());
            assertThat(move.action()).isEqualTo("sparser");
            assertThat(move.fromRung()).isZero();
            assertThat(move.toRung()).isEqualTo(1);
            assertThat(move.observed()).containsKey("e2e_p95_seconds");
            assertThat(move.expected()).containsKeys("decode_speedup", "perplexity_ratio");

            // 30% worse at the same request rate, in two windows in a row: the first only holds for the confirming one
            sendWindow(agent, producer, plan.planId(), 1, 2.6);
            sendWindow(agent, producer, plan.planId(), 1, 2.6);
            ModelUpdate back = awaitUpdate(u -> u.sequence() > sparser.sequence());
            assertThat(back.rung()).isZero();
            assertThat(back.planId()).isEqualTo(plan.planId());
            Decision rollback = decision(back.sequence());
            assertThat(rollback.action()).isEqualTo("rollback");
            assertThat(rollback.fromRung()).isEqualTo(1);
            assertThat(rollback.toRung()).isZero();
            Decision measured = agentDecisions().stream().filter(d -> Objects.equals(d.follows(), sparser.sequence())).findFirst().orElseThrow();
            assertThat(measured.measured()).containsKey("e2e_p95_seconds");
            assertThat(agent.scrape()).contains("arborist_agent_decisions_total{action=\"rollback\",deployment=\"prod\"} 1.0")
                    .contains("arborist_agent_rung{deployment=\"prod\"} 0.0");
        }
    }

    /** Sends 10 requests finishing now (early in a window), then waits until the agent has closed that window. */
    private static void sendWindow(Agent agent, Producer<String, String> producer, String planId, int rung, double e2e) throws Exception {
        long length = WINDOW.toMillis();
        while (System.currentTimeMillis() % length > length / 3) {
            Thread.sleep(10); // well before the window's end, so the events cannot arrive late
        }
        Instant now = Instant.now();
        for (int i = 0; i < 10; i++) {
            AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT,
                    TestEvents.request("r" + now.toEpochMilli() + "-" + i, "replica-a", planId, rung, e2e, now).encode());
        }
        producer.flush();
        AgentFixture.await("the window of " + now, Duration.ofSeconds(20), () -> agent.recentWindows().stream()
                .anyMatch(w -> !w.start().isAfter(now) && w.end().isAfter(now) && w.requests() == 10));
    }

    private static ModelUpdate awaitUpdate(Predicate<ModelUpdate> which) throws InterruptedException {
        ModelUpdate[] found = new ModelUpdate[1];
        AgentFixture.await("a model update", Duration.ofSeconds(45), () -> {
            List<ModelUpdate> updates = AgentFixture.readAll(kafka, Topics.MODELS.topic()).stream().map(r -> ModelUpdate.parse(r.value()))
                    .filter(u -> u.deployment().equals(DEPLOYMENT) && u.sequence() != null).filter(which).toList();
            found[0] = updates.isEmpty() ? null : updates.get(0);
            return found[0] != null;
        });
        return found[0];
    }

    private static Decision decision(long sequence) {
        List<Decision> matching = agentDecisions().stream().filter(d -> Objects.equals(d.sequence(), sequence)).toList();
        assertThat(matching).as("decision records with sequence " + sequence).hasSize(1);
        return matching.get(0);
    }

    private static List<Decision> agentDecisions() {
        return AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                .filter(d -> "agent".equals(d.replica())).toList();
    }
}
