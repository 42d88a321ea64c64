package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.arborist.events.EmbeddedKafka;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serving replica closed during or right after a swap, then started again on the same
 * deployment (a real broker): it finds the latest plan on the compacted topic, the artifacts are
 * untouched, and a request running at the restart finishes or is cut with an in-band error.
 * Each test has a deployment of its own, so they do not see each other's announcements.
 */
@Timeout(90)
class RestartDuringSwapTest {
    private static final String REPLICA = "replica-a";
    /** A context long enough for a stream that outlasts the swap: the drain then waits for it while the swap ends. */
    private static final int CONTEXT = 1024;
    private static final int TOKENS = 900;
    /** Makes verifying the artifact take a while (hashing), so the swap is still in flight when the server closes. */
    private static final long LARGE_FILE = 256L << 20;
    /** The thread PlanLoader runs loads on; RUNNABLE while a swap is in flight. */
    private static final String LOADER_THREAD = "arborist-plan-loader";

    @TempDir
    static Path dir;

    static Path model;
    static final Map<String, PlanArtifact> plans = new HashMap<>(); // by directory name under plans/; "slow" carries a large file
    static Map<String, String> artifactsBefore;
    static EmbeddedKafka kafka;
    static KafkaProducer<String, String> producer;
    static KafkaFixtures.Decisions decisions;
    static Vertx client;

    @BeforeAll
    static void start() throws Exception {
        model = TinyModel.create(Files.createDirectories(dir.resolve("base")), CONTEXT);
        try (LanguageModel base = LanguageModel.load(model)) {
            plans.put("first", PlanFixtures.write(base, plan("first"), 0.5));
            plans.put("slow", PlanFixtures.write(base, plan("slow"), 0.7));
            plans.put("quick", PlanFixtures.write(base, plan("quick"), 0.6));
        }
        PlanFixtures.addLargeFile(plan("slow"), "materialised.bin", LARGE_FILE);
        artifactsBefore = PlanFixtures.sha256Tree(dir.resolve("plans"));
        kafka = EmbeddedKafka.start();
        KafkaFixtures.createTopics(kafka.bootstrapServers());
        producer = KafkaFixtures.producer(kafka.bootstrapServers());
        decisions = new KafkaFixtures.Decisions(kafka.bootstrapServers());
        client = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            Http.await(client.close());
        }
        if (decisions != null) {
            decisions.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("closed while a swap is in flight: the running stream finishes, no false rejection on record, the restarted replica serves the announced plan")
    void closedDuringTheSwap() throws Exception {
        String deployment = "restart-during";
        ServingServer old = startServing(deployment, Duration.ofSeconds(30));
        announceAndAwait(deployment, "first", old);
        Future<String> stream = stream(old, req -> {});

        announce(deployment, "slow");
        awaitSwapInFlight();
        Http.await(old.close());

        assertThat(endOf(Http.await(stream)).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(TOKENS);
        assertRestartServes(deployment, plans.get("slow"));
    }

    @Test
    @DisplayName("closed right after a swap with a short drain: the running stream is cut in-band, the restarted replica serves the new plan")
    void closedRightAfterTheSwap() throws Exception {
        String deployment = "restart-after";
        ServingServer old = startServing(deployment, Duration.ofMillis(1));
        announceAndAwait(deployment, "first", old);
        announceAndAwait(deployment, "quick", old);

        Promise<Void> closed = Promise.promise();
        Future<String> stream = stream(old, firstToken -> old.close().onComplete(closed));
        Http.await(closed.future());

        JsonObject error = endOf(Http.await(stream)).getJsonObject("error");
        assertThat(error).as("an in-band error event before [DONE]").isNotNull();
        assertThat(error.getString("type")).isEqualTo("service_unavailable");
        assertRestartServes(deployment, plans.get("quick"));
    }

    /** Starts a replica of {@code deployment} that follows arborist.models, on a Vert.x of its own (its HTTP meters in /metrics). */
    private static ServingServer startServing(String deployment, Duration drain) throws Exception {
        TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), deployment, REPLICA, 100);
        ServingConfig config = new ServingConfig(model, null, "127.0.0.1", 0, 8, 64, 1 << 20, drain, telemetry);
        ServingServer server = Http.await(ServingServer.start(config));
        Http.await(server.ready());
        return server;
    }

    private static void announce(String deployment, String name) throws Exception {
        KafkaFixtures.announce(producer, KafkaFixtures.update(deployment, plans.get(name), plan(name)));
    }

    private static void announceAndAwait(String deployment, String name, ServingServer server) throws Exception {
        announce(deployment, name);
        new Http(client, server.port()).awaitMetrics(servingPlan(plans.get(name)));
    }

    /** Waits until the plan loader is busy with the announced plan. */
    private static void awaitSwapInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + Http.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean busy = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals(LOADER_THREAD) && t.getState() == Thread.State.RUNNABLE);
            if (busy) {
                return;
            }
            Thread.sleep(5);
        }
        fail("no swap started: thread " + LOADER_THREAD + " never ran");
    }

    /** A long stream; {@code onFirstToken} runs when its first bytes arrive. Completes with what the client received. */
    private static Future<String> stream(ServingServer server, Consumer<HttpClientRequest> onFirstToken) {
        JsonObject request = Http.completion("pruning removes small", TOKENS).put("ignore_eos", true).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));
        return Http.stream(client, server.port(), "/v1/completions", request, onFirstToken)
                .recover(e -> Future.succeededFuture("cut without a word: " + e.getMessage()));
    }

    /** The last event before [DONE] (the usage chunk, or an error); fails if the stream just stops. */
    private static JsonObject endOf(String body) {
        assertThat(body).as("the stream ends with [DONE]").endsWith("data: [DONE]\n\n");
        List<JsonObject> events = Http.events(body);
        return events.get(events.size() - 2);
    }

    /** A new replica on the same deployment comes up on {@code latest}, untouched artifacts, no 5xx, no false rejection on record. */
    private static void assertRestartServes(String deployment, PlanArtifact latest) throws Exception {
        ServingServer restarted = startServing(deployment, Duration.ofSeconds(30));
        try {
            Http http = new Http(client, restarted.port());
            http.awaitMetrics(servingPlan(latest));
            var answer = Http.await(http.post("/v1/completions", Http.completion("the model keeps", 8).put("ignore_eos", true)));
            assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
            assertThat(answer.bodyAsJsonObject().getJsonArray("choices")).hasSize(1);
            assertThat(Http.await(http.get("/metrics")).bodyAsString().lines().filter(l -> l.startsWith("vertx_http_server_requests_total{")))
                    .noneMatch(l -> l.matches(".*code=\"5\\d\\d\".*"));
        } finally {
            Http.await(restarted.close());
        }
        assertThat(PlanFixtures.sha256Tree(dir.resolve("plans"))).as("artifacts are never written by serving").isEqualTo(artifactsBefore);
        decisions.await("the restarted replica's swap on record",
                d -> deployment.equals(d.deployment()) && latest.id().equals(d.planId()) && "swapped".equals(d.action()));
        assertThat(decisions.seen()).as("no replica reports the good plan as rejected")
                .noneMatch(d -> deployment.equals(d.deployment()) && latest.id().equals(d.planId()) && "swap-rejected".equals(d.action()));
    }

    private static Path plan(String name) {
        return dir.resolve("plans").resolve(name);
    }

    private static String servingPlan(PlanArtifact plan) {
        return "arborist_model_info{plan_id=\"" + plan.id() + "\"} 1";
    }
}
