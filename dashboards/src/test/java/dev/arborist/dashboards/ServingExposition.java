package dev.arborist.dashboards;

import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What serving really exposes on /metrics: the bundled model is served with telemetry to an in-process
 * Kafka broker (so the telemetry meters exist), answers one completion, and is scraped once per test JVM.
 */
final class ServingExposition {
    static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    /** Labels whose values serving registers up front (every status and swap result at 0; JVM memory areas). */
    private static final Set<String> ENUMERATED = Set.of("status", "result", "area");
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
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ServingConfig config = ServingConfig.of(MODEL).withPort(0).withTelemetry(TelemetryConfig.of(kafka.bootstrapServers(), "dashboards"));
            ServingServer server = await(ServingServer.start(config));
            try {
                await(server.ready());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                URI base = URI.create("http://127.0.0.1:" + server.port());
                String completion = "{\"model\": \"arborist-moe-6x8\", \"prompt\": \"The city council said\", \"max_tokens\": 4}";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/v1/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(completion)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("completion failed: " + answer.statusCode() + " " + answer.body());
                }
                return http.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            } finally {
                await(server.close());
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
