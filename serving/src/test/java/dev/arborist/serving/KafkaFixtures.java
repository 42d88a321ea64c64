package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import dev.arborist.policies.plan.PlanArtifact;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The agent's side of the Kafka contract, for tests: announce plans on arborist.models, read arborist.decisions back. */
final class KafkaFixtures {
    private KafkaFixtures() {}

    /** Creates arborist.models and arborist.decisions with their policies, as serving would (the broker creates no topic by itself). */
    static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Topics.MODELS.ensure(admin, Http.WAIT.toMillis());
            Topics.DECISIONS.ensure(admin, Http.WAIT.toMillis());
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer());
    }

    /** The model-update event an agent publishes for {@code artifact} written at {@code dir}. */
    static ModelUpdate update(String deployment, PlanArtifact artifact, Path dir) {
        return new ModelUpdate(deployment, artifact.id(), dir.toAbsolutePath().toString(),
                artifact.manifest().files().get(PlanArtifact.PLAN_FILE), artifact.manifest().baseModel(), "test");
    }

    /** Publishes {@code update} under its deployment's key and waits for the broker's ack. */
    static void announce(KafkaProducer<String, String> producer, ModelUpdate update) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MODELS.topic(), update.deployment(), update.encode())).get();
    }

    /** Reads arborist.decisions from its start; one test thread owns it. */
    static final class Decisions implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<Decision> seen = new ArrayList<>();

        Decisions(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(Topics.DECISIONS.topic()));
        }

        /** The first decision (already seen or still to come) that {@code wanted} matches; fails after {@link Http#WAIT}. */
        Decision await(String description, Predicate<Decision> wanted) {
            long deadline = System.nanoTime() + Http.WAIT.toNanos();
            while (seen.stream().noneMatch(wanted) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(Decision.parse(r.value())));
            }
            assertThat(seen).as(description).anyMatch(wanted);
            return seen.stream().filter(wanted).findFirst().orElseThrow();
        }

        /** Every decision read so far. */
        List<Decision> seen() {
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
