package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.serving.kafka.EmbeddedKafka;
import dev.arborist.serving.kafka.TelemetryConfig;
import dev.arborist.serving.kafka.TelemetryProducer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Request telemetry against a real in-process Kafka broker. Blocking on purpose: the consumer polls. */
@Timeout(60)
class TelemetryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Vertx vertx;
    private static Path model;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        vertx = Vertx.vertx();
        model = TinyModel.create(dir);
    }

    @AfterAll
    static void tearDown() throws Exception {
        await(vertx.close());
    }

    @Test
    @DisplayName("each finished completion becomes one arborist.request.v1 event keyed by deployment")
    void eventsArrive() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), "tiny-prod", "replica-a", 100);
            ServingServer server = startServer(telemetry);
            Http http = new Http(vertx, server.port());
            HttpResponse<Buffer> five = await(http.post("/v1/completions", Http.completion("the", 5).put("ignore_eos", true)));
            HttpResponse<Buffer> one = await(http.post("/v1/completions", Http.completion("the", 1).put("ignore_eos", true)));
            assertThat(five.statusCode()).isEqualTo(200);
            assertThat(one.statusCode()).isEqualTo(200);

            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), 2);
            assertThat(records).extracting(ConsumerRecord::key).containsOnly("tiny-prod");
            JsonObject first = new JsonObject(records.get(0).value());
            JsonObject second = new JsonObject(records.get(1).value());
            assertThat(first.getString("request_id")).isEqualTo(five.bodyAsJsonObject().getString("id"));
            assertThat(first.getString("schema")).isEqualTo("arborist.request.v1");
            assertThat(first.getString("replica")).isEqualTo("replica-a");
            assertThat(first.getString("deployment")).isEqualTo("tiny-prod");
            assertThat(first.containsKey("plan_id")).isTrue();
            assertThat(first.getValue("plan_id")).isNull();
            assertThat(first.getInteger("prompt_tokens")).isPositive();
            assertThat(first.getInteger("completion_tokens")).isEqualTo(5);
            assertThat(first.getString("finish_reason")).isEqualTo("length");
            assertThat(first.getDouble("ttft_seconds")).isPositive().isLessThanOrEqualTo(first.getDouble("e2e_seconds"));
            assertThat(first.getDouble("inter_token_seconds")).isPositive();
            assertThat(first.getDouble("queue_seconds")).isNotNegative();
            assertThat(first.getJsonObject("features").getInteger("prompt_length")).isEqualTo(first.getInteger("prompt_tokens"));
            assertThat(first.getJsonObject("features").containsKey("slo_class")).isTrue();
            assertThat(first.getString("timestamp")).endsWith("Z");
            assertThat(second.getInteger("completion_tokens")).isEqualTo(1);
            assertThat(second.getValue("inter_token_seconds")).isNull(); // one token: no gap to average

            awaitMetrics(http, "arborist_telemetry_sent_total 2.0", "arborist_telemetry_dropped_total 0.0",
                    "arborist_telemetry_connected 1.0");
            await(server.close());
        }
    }

    @Test
    @DisplayName("with no broker at all, completions still answer and events beyond the buffer are counted as dropped")
    void noBroker() throws Exception {
        TelemetryConfig telemetry = new TelemetryConfig("127.0.0.1:" + freePort(), "tiny-prod", "replica-a", 1);
        ServingServer server = startServer(telemetry);
        Http http = new Http(vertx, server.port());
        for (int i = 0; i < 3; i++) {
            assertThat(await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
        }
        awaitMetrics(http, "arborist_telemetry_dropped_total 2.0", "arborist_telemetry_sent_total 0.0",
                "arborist_telemetry_connected 0.0");
        await(server.close());
    }

    @Test
    @DisplayName("a broker that starts after serving gets the buffered events and the new ones")
    void brokerAppearsLater() throws Exception {
        int port = freePort();
        ServingServer server = startServer(new TelemetryConfig("127.0.0.1:" + port, "tiny-late", null, 100));
        Http http = new Http(vertx, server.port());
        assertThat(await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port)) {
            assertThat(await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), 2);
            assertThat(records).extracting(r -> new JsonObject(r.value()).getString("deployment")).containsOnly("tiny-late");
            awaitMetrics(http, "arborist_telemetry_sent_total 2.0", "arborist_telemetry_connected 1.0");
            await(server.close());
        }
    }

    private static ServingServer startServer(TelemetryConfig telemetry) throws Exception {
        ServingConfig config = ServingConfig.of(model).withPort(0).withTelemetry(telemetry);
        ServingServer server = await(ServingServer.start(vertx, config, List.of()));
        await(server.ready());
        return server;
    }

    /** Reads {@code count} events from the start of the topic, or fails after {@link #WAIT}. */
    private static List<ConsumerRecord<String, String>> consume(String bootstrap, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TelemetryProducer.TOPIC));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(count);
        return records;
    }

    /**
     * Scrapes until every line is there: the scheduler reports a request to its listeners just
     * after the response, and the sent counter moves on the ack, just after the consumer sees it.
     */
    private static void awaitMetrics(Http http, String... lines) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String metrics = await(http.get("/metrics")).bodyAsString();
        while (!List.of(lines).stream().allMatch(metrics::contains) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = await(http.get("/metrics")).bodyAsString();
        }
        assertThat(metrics).contains(lines);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
