package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeated hot swaps while clients keep streaming: the server alternates between two plans and
 * every request, whichever version it started on, must finish in full. Blocking on purpose: the
 * test thread drives the swaps one after another while the clients run on the event loop.
 */
@Timeout(60)
class SwapsUnderLoadTest {
    private static final String TOKEN = "swap-token-0123456789";
    private static final int CLIENTS = 6;
    private static final int SWAPS = 6;
    private static final int TOKENS = 24;
    private static final JsonObject STREAM = Http.completion("pruning removes small", TOKENS).put("ignore_eos", true).put("stream", true)
            .put("stream_options", new JsonObject().put("include_usage", true));

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static ServingServer server;
    private static Http http;
    private static final List<Path> plans = new ArrayList<>();
    private static final List<String> planIds = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Path model = TinyModel.create(Files.createDirectories(dir.resolve("base")));
        try (LanguageModel base = LanguageModel.load(model)) {
            int[] tokens = new Random(5).ints(64, 0, base.config().vocabSize()).toArray();
            for (double sparsity : new double[] {0.5, 0.7}) {
                Path plan = dir.resolve("plan-" + sparsity);
                planIds.add(PlanArtifact.write(plan, PruningMethods.create("magnitude").plan(new PruningTarget(base, sparsity, Map.of()),
                        CalibrationSet.fromTokens(tokens, 2, 16), (done, total) -> {}), base, null, Map.of()).id());
                plans.add(plan);
            }
        }
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(4, 64, 1 << 20).withAdminToken(TOKEN);
        server = Http.await(ServingServer.start(vertx, config, List.of()));
        Http.await(server.ready());
        http = new Http(vertx, server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        Http.await(server.close());
        Http.await(vertx.close());
    }

    @Test
    @DisplayName("six swaps between two plans under six streaming clients: no request fails and every stream completes in full")
    void swapsUnderStreamingLoad() throws Exception {
        Load load = new Load();
        List<Future<Void>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(load.client());
        }
        List<Integer> inFlightAtSwap = new ArrayList<>();
        for (int i = 0; i < SWAPS; i++) {
            // Swaps come faster than streams finish, so versions retire while their last streams still run.
            load.awaitCompletions(load.completed.get() + 1);
            inFlightAtSwap.add(load.inFlight.get());
            HttpResponse<Buffer> swap = Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                    .sendJsonObject(new JsonObject().put("path", plans.get(i % 2).toString())));
            assertThat(swap.statusCode()).as("swap %d", i).isEqualTo(200);
            assertThat(swap.bodyAsJsonObject().getString("plan_id")).isEqualTo(planIds.get(i % 2));
        }
        load.stop.set(true);
        Http.await(Future.all(clients));

        assertThat(inFlightAtSwap).as("streams running when each swap was asked for").allMatch(n -> n > 0);
        assertThat(load.failures).as("failed or incomplete streams").isEmpty();
        assertThat(load.completed.get()).isEqualTo(load.started.get()).isGreaterThanOrEqualTo(SWAPS);
        http.awaitMetrics("arborist_swaps_total{result=\"ok\"} " + SWAPS + ".0", "arborist_swaps_total{result=\"rejected\"} 0.0",
                "arborist_requests_total{status=\"error\"} 0.0",
                "arborist_requests_total{status=\"cancelled\"} 0.0", "arborist_model_info{plan_id=\"" + planIds.get((SWAPS - 1) % 2) + "\"} 1");
    }

    /** Clients that each stream one request after another until {@link #stop} is set. */
    private static final class Load {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();

        Future<Void> client() {
            Promise<Void> done = Promise.promise();
            next(done);
            return done.future();
        }

        private void next(Promise<Void> done) {
            if (stop.get()) {
                done.complete();
                return;
            }
            started.incrementAndGet();
            inFlight.incrementAndGet();
            Http.stream(vertx, server.port(), "/v1/completions", STREAM, req -> {}).onComplete(result -> {
                inFlight.decrementAndGet();
                String problem = result.succeeded() ? incomplete(result.result()) : "failed: " + result.cause();
                if (problem != null) {
                    failures.add(problem);
                }
                completed.incrementAndGet();
                next(done);
            });
        }

        /** @return what is wrong with a stream's body, or null when it ended with usage and [DONE] after all its tokens */
        private static String incomplete(String body) {
            List<JsonObject> events;
            try {
                events = Http.events(body);
            } catch (AssertionError notSse) { // an error status answers with a JSON body
                return "not a stream: " + body;
            }
            if (events.size() < 2 || events.get(events.size() - 1) != null) {
                return "no [DONE]: " + body;
            }
            JsonObject usage = events.get(events.size() - 2).getJsonObject("usage");
            return usage != null && usage.getInteger("completion_tokens") == TOKENS ? null : "short stream: " + body;
        }

        void awaitCompletions(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Http.WAIT.toNanos();
            while (completed.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(completed.get()).as("streams completed").isGreaterThanOrEqualTo(count);
        }
    }
}
