package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.runtime.LanguageModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The surge rule over real HTTP: requests kept waiting past the threshold run sparser than the base rung until they
 * are served, requests that are not late run at the base rung, and a pin is obeyed whatever the backlog. The tiny
 * model's requests take milliseconds, so only the held ones are ever late.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class SurgeTest {
    private static final String TOKEN = "s3cret";
    private static final String[] PROMPTS = {"the model keeps most weights", "pruning removes small ones and quality stays while the model keeps"};
    /** Far above a tiny-model request's latency, so nothing but a held request is late. */
    private static final Duration AFTER = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;
    static final ElasticServingTest.Gate gate = new ElasticServingTest.Gate();

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        Path model = ElasticFixtures.model(dir);
        Path plan = dir.resolve("elastic");
        try (LanguageModel base = LanguageModel.load(model)) {
            ElasticFixtures.write(base, plan);
        }
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(8, 16, 1 << 20).withAdminToken(TOKEN);
        server = Http.await(ServingServer.start(vertx, config, List.of(gate)));
        Http.await(server.ready());
        http = new Http(vertx, server.port());
        HttpResponse<Buffer> load = Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(new JsonObject().put("path", plan.toString())));
        assertThat(load.statusCode()).as(load.bodyAsString()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        Http.await(server.close());
    }

    @Test
    @DisplayName("held past the threshold, waiting requests run at the sparsest rung; fresh ones at the base rung; a pin wins over a surge")
    void lateRequestsRunSparser() throws Exception {
        List<List<String>> alone = new ArrayList<>(); // per rung, per prompt: the answers without a surge
        for (int rung = 0; rung < 3; rung++) {
            pin(rung);
            alone.add(answers(PROMPTS));
        }
        pin(null);
        assertThat(alone.get(0)).as("the rungs answer differently, so a mix-up would show").doesNotContainAnyElementsOf(alone.get(2));

        server.surgeAfter(AFTER);
        assertThat(answers(PROMPTS)).as("nobody is late: the base rung").containsExactlyElementsOf(alone.get(0));
        http.awaitMetrics("arborist_surge_steps_total 0.0");

        assertThat(heldFor(AFTER.multipliedBy(2))).as("late by over 1 + 2/3 of the threshold: two rungs sparser")
                .containsExactlyElementsOf(alone.get(2));
        assertThat(surgeSteps()).isPositive();
        assertThat(answers(PROMPTS)).as("the backlog cleared: the base rung again").containsExactlyElementsOf(alone.get(0));

        pin(0);
        double before = surgeSteps();
        assertThat(heldFor(AFTER.multipliedBy(2))).as("pinned to dense: the pin wins").containsExactlyElementsOf(alone.get(0));
        assertThat(surgeSteps()).isEqualTo(before);
        pin(null);
        server.surgeAfter(null);
    }

    /** The answers to the prompts, one request at a time. */
    private static List<String> answers(String... prompts) throws Exception {
        List<String> out = new ArrayList<>();
        for (String prompt : prompts) {
            out.add(text(Http.await(http.post("/v1/completions", request(prompt)))));
        }
        return out;
    }

    /** Sends the prompts while the model thread is held for {@code hold}, so they wait that long. @return their answers */
    private static List<String> heldFor(Duration hold) throws Exception {
        gate.arm();
        assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 1))).statusCode()).isEqualTo(200);
        assertThat(gate.holding.await(30, TimeUnit.SECONDS)).isTrue();
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (String prompt : PROMPTS) {
            sent.add(http.post("/v1/completions", request(prompt)));
        }
        http.awaitMetrics("arborist_requests_waiting " + PROMPTS.length + ".0");
        Thread.sleep(hold.toMillis());
        gate.release();
        List<String> out = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> f : sent) {
            out.add(text(Http.await(f)));
        }
        return out;
    }

    private static JsonObject request(String prompt) {
        return Http.completion(prompt, 8).put("ignore_eos", true);
    }

    private static void pin(Integer rung) throws Exception {
        JsonObject body = rung == null ? new JsonObject().putNull("rung") : new JsonObject().put("rung", rung);
        HttpResponse<Buffer> r = Http.await(http.client.post("/admin/levels").putHeader("Authorization", "Bearer " + TOKEN).sendJsonObject(body));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    private static double surgeSteps() throws Exception {
        String metrics = Http.await(http.get("/metrics")).bodyAsString();
        return metrics.lines().filter(l -> l.startsWith("arborist_surge_steps_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    private static String text(HttpResponse<Buffer> response) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        return response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
    }
}
