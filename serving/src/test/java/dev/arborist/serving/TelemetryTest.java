package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.RequestEvent;
import dev.arborist.events.StatsSketch;
import dev.arborist.events.Topics;
import dev.arborist.serving.kafka.TelemetryConfig;
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
        Http.await(vertx.close());
    }

    @Test
    @DisplayName("each finished completion becomes one arborist.request.v1 event keyed by deployment")
    void eventsArrive() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), "tiny-prod", "replica-a", 100);
            ServingServer server = startServer(telemetry);
            Http http = new Http(vertx, server.port());
            HttpResponse<Buffer> five = Http.await(http.post("/v1/completions", Http.completion("the", 5).put("ignore_eos", true)));
            HttpResponse<Buffer> one = Http.await(http.post("/v1/completions", Http.completion("the", 1).put("ignore_eos", true)));
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
            assertThat(first.getValue("plan_id")).isNull(); // the dense base
            assertThat(RequestEvent.parse(records.get(0).value()).completionTokens()).isEqualTo(5); // the agent's reader agrees
            assertThat(first.getInteger("prompt_tokens")).isPositive();
            assertThat(first.getInteger("completion_tokens")).isEqualTo(5);
            assertThat(first.getString("finish_reason")).isEqualTo("length");
            assertThat(first.getDouble("ttft_seconds")).isPositive().isLessThanOrEqualTo(first.getDouble("e2e_seconds"));
            assertThat(first.getDouble("inter_token_seconds")).isPositive();
            assertThat(first.getDouble("queue_seconds")).isNotNegative();
            assertThat(first.getJsonObject("features").getInteger("prompt_length")).isEqualTo(first.getInteger("prompt_tokens"));
            assertThat(first.getString("timestamp")).endsWith("Z");
            assertThat(second.getInteger("completion_tokens")).isEqualTo(1);
            assertThat(second.getValue("inter_token_seconds")).isNull(); // one token: no gap to average

            http.awaitMetrics("arborist_telemetry_sent_total 2.0", "arborist_telemetry_dropped_total 0.0",
                    "arborist_telemetry_connected 1.0");
            Http.await(server.close());
        }
    }

    @Test
    @DisplayName("the SLO class comes from the x-arborist-slo-class header (which wins) or the body's slo_class, and is checked")
    void sloClass() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ServingServer server = startServer(new TelemetryConfig(kafka.bootstrapServers(), "tiny-slo", "replica-a", 100));
            Http http = new Http(vertx, server.port());
            JsonObject request = Http.completion("the", 1);
            assertThat(Http.await(http.client.post("/v1/completions").putHeader("x-arborist-slo-class", "interactive")
                    .sendJsonObject(request.copy().put("slo_class", "batch"))).statusCode()).isEqualTo(200);
            assertThat(Http.await(http.post("/v1/completions", request.copy().put("slo_class", "batch_2"))).statusCode()).isEqualTo(200);
            assertThat(Http.await(http.post("/v1/completions", request)).statusCode()).isEqualTo(200);
            List<HttpResponse<Buffer>> bad = List.of(
                    Http.await(http.post("/v1/completions", request.copy().put("slo_class", "Interactive"))),
                    Http.await(http.post("/v1/completions", request.copy().put("slo_class", 7))),
                    Http.await(http.post("/v1/completions", request.copy().put("slo_class", "x".repeat(33)))),
                    Http.await(http.client.post("/v1/completions").putHeader("x-arborist-slo-class", "a b").sendJsonObject(request)));
            assertThat(bad).allSatisfy(r -> {
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
            });

            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), 3);
            assertThat(records).extracting(r -> new JsonObject(r.value()).getJsonObject("features").getString("slo_class"))
                    .containsExactly("interactive", "batch_2", null);
            Http.await(server.close());
        }
    }

    @Test
    @DisplayName("sampled steps become arborist.stats.v1 sketches: routing counts and FFN_OUT rows sum to k x sampled tokens per layer")
    void statsSketches() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), "tiny-stats", "replica-a", 100)
                    .withStats(2, Duration.ofMillis(300));
            ServingServer server = startServer(telemetry);
            Http http = new Http(vertx, server.port());
            for (int i = 0; i < 3; i++) {
                assertThat(Http.await(http.post("/v1/completions", Http.completion("the model keeps", 6).put("ignore_eos", true))).statusCode())
                        .isEqualTo(200);
            }
            String value = consume(kafka.bootstrapServers(), Topics.STATS.topic(), 1).get(0).value();
            JsonObject stats = new JsonObject(value);
            Http.await(server.close());

            assertThat(stats.getString("schema")).isEqualTo("arborist.stats.v1");
            assertThat(stats.getString("deployment")).isEqualTo("tiny-stats");
            assertThat(stats.getInteger("sample_every")).isEqualTo(2);
            assertThat(stats.getLong("sampled_steps")).isPositive().isLessThanOrEqualTo((stats.getLong("steps") + 1) / 2);
            assertThat(java.time.Instant.parse(stats.getString("window_end"))).isAfter(java.time.Instant.parse(stats.getString("window_start")));
            long tokens = stats.getLong("sampled_tokens");
            int k = stats.getInteger("experts_per_token");
            assertThat(tokens).isPositive();
            assertThat(stats.getJsonArray("layers")).hasSize(2).allSatisfy(o -> {
                JsonObject layer = (JsonObject) o;
                assertThat(layer.getJsonArray("routing_counts").stream().mapToLong(c -> ((Number) c).longValue()).sum()).isEqualTo(k * tokens);
                assertThat(layer.getJsonArray("gate_sums").stream().mapToDouble(g -> ((Number) g).doubleValue()).sum())
                        .isCloseTo(tokens, org.assertj.core.data.Offset.offset(1e-3 * tokens)); // renormalised gates sum to 1 per token
                assertThat(layer.getDouble("block_influence")).isBetween(0.0, 2.0);
                assertThat(layer.getJsonArray("ffn_out").stream().mapToLong(e -> ((JsonObject) e).getLong("rows")).sum()).isEqualTo(k * tokens);
            });
            StatsSketch sketch = StatsSketch.parse(value); // what the agent reads
            assertThat(sketch.layers()).allSatisfy(layer -> assertThat(layer.attnOut().rows()).isEqualTo(tokens));
        }
    }

    @Test
    @DisplayName("with no broker at all, completions still answer and events beyond the buffer are counted as dropped")
    void noBroker() throws Exception {
        TelemetryConfig telemetry = new TelemetryConfig("127.0.0.1:" + freePort(), "tiny-prod", "replica-a", 1);
        ServingServer server = startServer(telemetry);
        Http http = new Http(vertx, server.port());
        for (int i = 0; i < 3; i++) {
            assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
        }
        http.awaitMetrics("arborist_telemetry_dropped_total 2.0", "arborist_telemetry_sent_total 0.0",
                "arborist_telemetry_connected 0.0");
        Http.await(server.close());
    }

    @Test
    @DisplayName("a broker that starts after serving gets the buffered events and the new ones")
    void brokerAppearsLater() throws Exception {
        int port = freePort();
        ServingServer server = startServer(new TelemetryConfig("127.0.0.1:" + port, "tiny-late", null, 100));
        Http http = new Http(vertx, server.port());
        assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port)) {
            assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 2))).statusCode()).isEqualTo(200);
            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), 2);
            assertThat(records).extracting(r -> new JsonObject(r.value()).getString("deployment")).containsOnly("tiny-late");
            http.awaitMetrics("arborist_telemetry_sent_total 2.0", "arborist_telemetry_connected 1.0");
            Http.await(server.close());
        }
    }

    @Test
    @DisplayName("a broker stopped mid-serving: completions still answer, events beyond the buffer are dropped and counted, "
            + "the link goes 0 then 1, and the buffered and new events arrive after a restart on the same port and log dir")
    void brokerRestarts() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ServingServer server = startServer(new TelemetryConfig(kafka.bootstrapServers(), "tiny-outage", "replica-a", 2));
            Http http = new Http(vertx, server.port());
            List<String> ids = new ArrayList<>();
            ids.add(complete(http));
            http.awaitMetrics("arborist_telemetry_sent_total 1.0", "arborist_telemetry_connected 1.0");

            kafka.stop();
            http.awaitMetrics("arborist_telemetry_connected 0.0"); // no traffic: the idle probe notices
            for (int i = 0; i < 4; i++) {
                ids.add(complete(http)); // the first two wait in the buffer of 2, the other two are dropped
            }
            http.awaitMetrics("arborist_telemetry_dropped_total 2.0", "arborist_telemetry_sent_total 1.0");

            kafka.restart();
            http.awaitMetrics("arborist_telemetry_connected 1.0", "arborist_telemetry_sent_total 3.0");
            ids.add(complete(http));
            http.awaitMetrics("arborist_telemetry_sent_total 4.0", "arborist_telemetry_dropped_total 2.0");
            assertThat(consume(kafka.bootstrapServers(), 4)).extracting(r -> new JsonObject(r.value()).getString("request_id"))
                    .containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(5));
            Http.await(server.close());
        }
    }

    /** One short completion; returns its id once it answered 200. */
    private static String complete(Http http) throws Exception {
        HttpResponse<Buffer> response = Http.await(http.post("/v1/completions", Http.completion("the", 2)));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.bodyAsJsonObject().getString("id");
    }

    private static ServingServer startServer(TelemetryConfig telemetry) throws Exception {
        ServingConfig config = ServingConfig.of(model).withPort(0).withTelemetry(telemetry);
        ServingServer server = Http.await(ServingServer.start(vertx, config, List.of()));
        Http.await(server.ready());
        return server;
    }

    /** Reads {@code count} events from the start of the topic, or fails after {@link #WAIT}. */
    private static List<ConsumerRecord<String, String>> consume(String bootstrap, int count) {
        List<ConsumerRecord<String, String>> records = consume(bootstrap, Topics.REQUESTS.topic(), count);
        assertThat(records).hasSize(count); // one event per request, no more
        return records;
    }

    /** At least {@code count} records from the start of {@code topic} (stats windows keep coming). */
    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(count);
        return records;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
