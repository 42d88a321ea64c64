package dev.arborist.agent;

import static dev.arborist.agent.AgentFixture.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.RequestEvent;
import dev.arborist.events.Topics;
import dev.arborist.policies.control.PolicyTable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-input policy against a real broker: the agent learns from the shadow profiles in request
 * events which input class tolerates a sparser rung and announces the table with the plan it serves,
 * at the same rung, with an audit record; a class whose profiles show a cost keeps the base rung.
 */
class InputPolicyTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final double[] USAGE = {0.4, 0.3, 0.2, 0.1};

    @TempDir
    Path dir;

    @Test
    @DisplayName("profiles say formal text loses nothing at any rung and chit-chat loses 10% at once: the plan is re-announced"
            + " with a table sending formal text to the sparsest rung and leaving chit-chat at the base")
    void learnsAndAnnouncesTheTable() throws Exception {
        Path model = AgentFixture.model(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Agent agent = Agent.start(AgentFixture.config(kafka, model, dir.resolve("store"), AgentFixture.slo(10.0), WINDOW).build());
                Producer<String, String> producer = AgentFixture.producer(kafka)) {
            for (int i = 0; i < 3; i++) {
                AgentFixture.send(producer, Topics.STATS.topic(), DEPLOYMENT, TestEvents.sketch("a", USAGE, 100, 0, Instant.now()).encode());
            }
            producer.flush();
            AgentFixture.await("a first plan", Duration.ofSeconds(60), () -> !updates(kafka).isEmpty());
            ModelUpdate first = updates(kafka).get(0);
            assertThat(first.policy()).as("no evidence yet: no table").isNull();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (updates(kafka).stream().noneMatch(u -> u.policy() != null)) {
                assertThat(System.nanoTime()).as("a plan announced with a policy table within 60 s").isLessThan(deadline);
                sendProfiles(producer, first.planId());
                Thread.sleep(WINDOW.toMillis() / 2);
            }

            ModelUpdate withTable = updates(kafka).stream().filter(u -> u.policy() != null).findFirst().orElseThrow();
            assertThat(withTable.planId()).isEqualTo(first.planId());
            assertThat(withTable.rung()).isEqualTo(first.rung());
            PolicyTable table = PolicyTable.fromJson(withTable.policy().toString());
            int sparsest = table.rungFor("batch", "medium", null, 0);
            assertThat(sparsest).as("formal text, in %s", table).isPositive();
            assertThat(table.rungFor("interactive", "short", null, 0)).as("chit-chat").isZero();
            Decision audit = AgentFixture.readAll(kafka, Topics.DECISIONS.topic()).stream().map(r -> Decision.parse(r.value()))
                    .filter(d -> Objects.equals(d.sequence(), withTable.sequence())).findFirst().orElseThrow();
            assertThat(audit.action()).isEqualTo("policy");
            assertThat(audit.reason()).contains("per-input policy").contains("class batch/medium/signature null -> rung " + sparsest);
            assertThat(agent.scrape()).contains("arborist_agent_decisions_total{action=\"policy\",deployment=\"prod\"} 1.0");
        }
    }

    /** One window's requests on {@code planId}: formal ones cost nothing at any rung, chit-chat loses 0.1 nats at every sparser rung. */
    private static void sendProfiles(Producer<String, String> producer, String planId) {
        Instant now = Instant.now();
        for (int i = 0; i < 6; i++) {
            double noise = 0.001 * (i % 3);
            send(producer, planId, now, i, new RequestEvent.Features(60, "batch", "medium", null),
                    new double[] {0, noise, noise, noise});
            send(producer, planId, now, 100 + i, new RequestEvent.Features(8, "interactive", "short", null),
                    new double[] {0, 0.1 + noise, 0.1 + noise, 0.1 + noise});
        }
        producer.flush();
    }

    private static void send(Producer<String, String> producer, String planId, Instant at, int i, RequestEvent.Features features,
                             double[] rungDivergences) {
        RequestEvent e = new RequestEvent(planId.substring(0, 8) + at.toEpochMilli() + "-" + i, "a", DEPLOYMENT, planId, 0, null,
                features.promptLength(), 8, 0.01, 0.05, 0.01, 0.2, "length", features,
                new RequestEvent.Shadow(8, -2.0, -2.0, null, rungDivergences), at.toString(), null, 0);
        AgentFixture.send(producer, Topics.REQUESTS.topic(), DEPLOYMENT, e.encode());
    }

    private static List<ModelUpdate> updates(EmbeddedKafka kafka) {
        return AgentFixture.readAll(kafka, Topics.MODELS.topic()).stream().map(r -> ModelUpdate.parse(r.value())).toList();
    }
}
