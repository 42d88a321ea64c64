package dev.arborist.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What serving really exposes on /metrics: the bundled model is served with telemetry to an in-process
 * Kafka broker (so the telemetry meters exist), loads an elastic plan through the admin API (so the
 * per-rung request counter exists: serving registers it on an elastic plan's first finished request),
 * answers one completion, and is scraped once per test JVM.
 */
final class ServingExposition {
    static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    /** Labels whose values serving registers up front (every status and swap result at 0; JVM memory areas). */
    private static final Set<String> ENUMERATED = Set.of("status", "result", "area");
    private static final String ADMIN_TOKEN = "dashboards";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEVEL_REQUESTS = "arborist_level_requests_total{";
    private static final Duration RECORDED = Duration.ofSeconds(10);
    private static String text;

    private ServingExposition() {}

    /** The exposition text, scraped on first use. */
    static synchronized String text() throws Exception {
        if (text == null) {
            text = scrape();
        }
        return text;
    }

    /** Series name -> label -> values: seen values for enumerated labels, any value (empty set) for the rest. */
    static Map<String, Map<String, Set<String>>> series() throws Exception {
        return Exposition.parse(text(), ENUMERATED);
    }

    private static String scrape() throws Exception {
        Path plans = Files.createTempDirectory("dashboards-exposition");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path plan = plans.resolve("elastic");
            ElasticPlanFixture.write(MODEL, plan);
            ServingConfig config = ServingConfig.of(MODEL).withPort(0).withAdminToken(ADMIN_TOKEN)
                    .withTelemetry(TelemetryConfig.of(kafka.bootstrapServers(), "dashboards"));
            ServingServer server = await(ServingServer.start(config));
            try {
                await(server.ready());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                URI base = URI.create("http://127.0.0.1:" + server.port());
                String load = "{\"path\": " + JSON.writeValueAsString(plan.toAbsolutePath().toString()) + "}";
                send(http, HttpRequest.newBuilder(base.resolve("/admin/plan")).header("Authorization", "Bearer " + ADMIN_TOKEN), "plan load", load);
                String completion = "{\"model\": \"arborist-moe-6x8\", \"prompt\": \"The city council said\", \"max_tokens\": 4}";
                send(http, HttpRequest.newBuilder(base.resolve("/v1/completions")), "completion", completion);
                // The completion's meters are recorded once its response is on the way, not before.
                HttpRequest metrics = HttpRequest.newBuilder(base.resolve("/metrics")).GET().build();
                return Poll.until(RECORDED, () -> http.send(metrics, HttpResponse.BodyHandlers.ofString()).body(), t -> t.contains(LEVEL_REQUESTS));
            } finally {
                await(server.close());
            }
        } finally {
            deleteTree(plans);
        }
    }

    /** POSTs {@code json}; @throws IllegalStateException unless the answer is 200 */
    private static void send(HttpClient http, HttpRequest.Builder request, String what, String json) throws Exception {
        HttpResponse<String> answer = http.send(request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(what + " failed: " + answer.statusCode() + " " + answer.body());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
