package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Plans announced on arborist.models, against a real in-process Kafka broker. Blocking: the test polls. */
@Timeout(120)
class ModelUpdateTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DEPLOYMENT = "tiny-prod";

    @TempDir
    static Path dir;

    @Test
    @DisplayName("serving swaps to an announced plan (read from the topic's start), rejects a corrupt one with a decision record, skips malformed events")
    void updatesOverKafka() throws Exception {
        Path model = TinyModel.create(Files.createDirectories(dir.resolve("base")));
        Artifact good;
        Artifact corrupt;
        try (LanguageModel base = LanguageModel.load(model)) {
            good = Artifact.write(base, "good", 0.7);
            corrupt = Artifact.write(base, "corrupt", 0.5);
        }
        flipByte(corrupt.dir().resolve(PlanArtifact.PLAN_FILE));
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
            ensureModelsTopic(kafka.bootstrapServers());
            // Announced before the replica starts: it must find them by reading the compacted topic from the start.
            producer.send(new ProducerRecord<>(Topics.MODELS.topic(), DEPLOYMENT, "{not json")).get();
            producer.send(new ProducerRecord<>(Topics.MODELS.topic(), DEPLOYMENT, update(good, false).put("schema", "v0").encode())).get();
            producer.send(new ProducerRecord<>(Topics.MODELS.topic(), DEPLOYMENT, update(good, true).encode())).get();
            producer.send(new ProducerRecord<>(Topics.MODELS.topic(), "other", update(corrupt, false).encode())).get(); // not ours

            TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), DEPLOYMENT, "replica-a", 100);
            ServingServer server = Http.await(ServingServer.start(vertx, ServingConfig.of(model).withPort(0).withTelemetry(telemetry), List.of()));
            Http.await(server.ready());
            Http http = new Http(vertx, server.port());
            http.awaitMetrics("arborist_model_info{plan_id=\"" + good.id() + "\"} 1", "arborist_model_updates_skipped_total 2.0");

            producer.send(new ProducerRecord<>(Topics.MODELS.topic(), DEPLOYMENT, update(corrupt, false).encode())).get();
            List<JsonObject> decisions = decisions(kafka.bootstrapServers(), 2);
            assertThat(decisions).extracting(d -> d.getString("action")).containsExactly("swapped", "swap-rejected");
            assertThat(decisions).allSatisfy(d -> {
                assertThat(d.getString("schema")).isEqualTo("arborist.decision.v1");
                assertThat(d.getString("deployment")).isEqualTo(DEPLOYMENT);
                assertThat(d.getString("replica")).isEqualTo("replica-a");
                assertThat(d.getString("timestamp")).endsWith("Z");
            });
            assertThat(decisions.get(0).getString("plan_id")).isEqualTo(good.id());
            assertThat(decisions.get(0).getString("reason")).isEqualTo("test");
            assertThat(decisions.get(1).getString("plan_id")).isEqualTo(corrupt.id());
            assertThat(decisions.get(1).getString("reason")).contains("corrupted");
            http.awaitMetrics("arborist_swaps_total{result=\"rejected\"} 1.0", "arborist_model_info{plan_id=\"" + good.id() + "\"} 1");
            assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 3).put("ignore_eos", true))).statusCode()).isEqualTo(200);
            Http.await(server.close());
        } finally {
            Http.await(vertx.close());
        }
    }

    /** A plan artifact written under {@link #dir}. */
    private record Artifact(PlanArtifact plan, Path dir) {
        static Artifact write(LanguageModel base, String name, double sparsity) {
            int[] tokens = new Random(3).ints(64, 0, base.config().vocabSize()).toArray();
            var plan = PruningMethods.create("magnitude").plan(new PruningTarget(base, sparsity, Map.of()), CalibrationSet.fromTokens(tokens, 2, 16),
                    (d, t) -> {});
            Path at = ModelUpdateTest.dir.resolve(name).toAbsolutePath();
            return new Artifact(PlanArtifact.write(at, plan, base, null, Map.of()), at);
        }

        String id() {
            return plan.id();
        }
    }

    /** An arborist.model-update.v1 event for {@code artifact}, its uri a plain path or a file: URI. */
    private static JsonObject update(Artifact artifact, boolean asUri) {
        return new JsonObject()
                .put("schema", "arborist.model-update.v1")
                .put("deployment", DEPLOYMENT)
                .put("plan_id", artifact.id())
                .put("uri", asUri ? artifact.dir().toUri().toString() : artifact.dir().toString())
                .put("sha256", artifact.plan().manifest().files().get(PlanArtifact.PLAN_FILE))
                .put("base_sha256", artifact.plan().manifest().baseModel())
                .put("reason", "test");
    }

    private static void flipByte(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() - 1;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer());
    }

    /** Creates arborist.models before serving does (it leaves an existing topic as it is). */
    private static void ensureModelsTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.MODELS.topic(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
    }

    /** Reads {@code count} records from the start of arborist.decisions, or fails after {@link #WAIT}. */
    private static List<JsonObject> decisions(String bootstrap, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonObject> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("arborist.decisions"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertThat(r.key()).isEqualTo(DEPLOYMENT);
                    records.add(new JsonObject(r.value()));
                });
            }
        }
        assertThat(records).hasSize(count);
        return records;
    }


}
