package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.Ladder;
import dev.arborist.policies.elastic.LevelJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elastic serving over real HTTP: the admin levels API and requests of several rungs in one batch
 * window. One server for the class; the tests run in order (the plan is loaded in the second).
 * Blocking on the test thread, never on an event loop.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ElasticServingTest {
    private static final String TOKEN = "s3cret";
    private static final String[] PROMPTS = {"the model keeps most weights", "pruning removes small ones and quality stays while the model keeps"};

    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;
    static Path plan;
    static String planId;
    static HfTokenizer tokenizer;
    static PromptSignature signature;
    static LanguageModel base;
    static final Gate gate = new Gate();

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        Path model = ElasticFixtures.model(dir);
        plan = dir.resolve("elastic");
        base = LanguageModel.load(model);
        planId = ElasticFixtures.write(base, plan).id();
        tokenizer = HfTokenizer.load(model.resolve("tokenizer.json"));
        signature = new PromptSignature(base.transformer(), base.manager());
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(8, 16, 1 << 20).withAdminToken(TOKEN);
        server = Http.await(ServingServer.start(vertx, config, List.of(gate)));
        Http.await(server.ready());
        http = new Http(vertx, server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        Http.await(server.close());
        tokenizer.close();
        base.close();
    }

    @Test
    @Order(1)
    @DisplayName("/admin/levels needs the bearer token, and with no elastic plan served refuses a change with 409")
    void tokenAndDenseBase() throws Exception {
        assertThat(Http.await(http.get("/admin/levels")).statusCode()).isEqualTo(401);
        assertThat(Http.await(http.client.get("/admin/levels").putHeader("Authorization", "Bearer wrong").send()).statusCode()).isEqualTo(401);
        assertThat(Http.await(http.client.post("/admin/levels").sendJsonObject(new JsonObject().put("rung", 1))).statusCode()).isEqualTo(401);

        HttpResponse<Buffer> dense = Http.await(levels());
        assertThat(dense.statusCode()).isEqualTo(200);
        assertThat(dense.bodyAsJsonObject().getBoolean("elastic")).isFalse();
        assertThat(dense.bodyAsJsonObject().getValue("plan_id")).isNull();
        HttpResponse<Buffer> change = Http.await(setLevels(new JsonObject().put("rung", 1)));
        assertThat(change.statusCode()).isEqualTo(409);
        assertThat(change.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
    }

    @Test
    @Order(2)
    @DisplayName("an elastic plan loads through /admin/plan; /admin/levels shows its ladder at base rung 0, no pin, an empty policy table;"
            + " an artifact with the served plan's id but another ladder is a 409 that changes nothing")
    void ladder() throws Exception {
        HttpResponse<Buffer> load = Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(new JsonObject().put("path", plan.toString())));
        assertThat(load.statusCode()).as(load.bodyAsString()).isEqualTo(200);

        JsonObject levels = Http.await(levels()).bodyAsJsonObject();
        assertThat(levels.getString("plan_id")).isEqualTo(planId);
        assertThat(levels.getBoolean("elastic")).isTrue();
        assertThat(levels.getInteger("base_rung")).isZero();
        assertThat(levels.getValue("override")).isNull();
        assertThat(PolicyTable.fromJson(levels.getJsonObject("policy").encode()).entries()).isEmpty();
        assertThat(levels.getJsonArray("rungs")).hasSize(3);
        JsonObject sparsest = levels.getJsonArray("rungs").getJsonObject(2);
        assertThat(sparsest.getInteger("rung")).isEqualTo(2);
        assertThat(LevelJson.parse(sparsest.getJsonObject("level").encode())).isEqualTo(ElasticFixtures.RUNG_2);
        assertThat(sparsest.getDouble("perplexity_ratio")).isEqualTo(1.3);
        assertThat(sparsest.getDouble("decode_speedup_batch8")).isEqualTo(2.0);
        assertThat(sparsest.getDouble("decode_speedup_batch1")).isEqualTo(1.6);

        // the same unit order (so the same plan id) with a two-rung ladder: serving keeps the ladder it runs
        ElasticArtifact served = ElasticArtifact.read(plan, base);
        Path shorter = dir.resolve("elastic-two-rungs");
        ElasticArtifact other = ElasticArtifact.write(shorter, new ElasticPlan(served.plan().permutation(), served.plan().layerSkipOrder(),
                new Ladder(served.plan().ladder().rungs().subList(0, 2))), base, Map.of());
        assertThat(other.id()).isEqualTo(planId);
        HttpResponse<Buffer> refused = Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(new JsonObject().put("path", shorter.toString())));
        assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
        assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("served now with another ladder");
        assertThat(Http.await(levels()).bodyAsJsonObject().getJsonArray("rungs")).as("the ladder served").hasSize(3);
        HttpResponse<Buffer> again = Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(new JsonObject().put("path", plan.toString())));
        assertThat(again.statusCode()).as("the same artifact again: " + again.bodyAsString()).isEqualTo(200);
    }

    @Test
    @Order(3)
    @DisplayName("a pin sends every request to its rung until it is cleared; bad rungs, fields and tables are 400s that change nothing")
    void pinAndUnpin() throws Exception {
        JsonObject pinned = Http.await(setLevels(new JsonObject().put("rung", 2))).bodyAsJsonObject();
        assertThat(pinned.getInteger("override")).isEqualTo(2);
        assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 3).put("ignore_eos", true))).statusCode()).isEqualTo(200);
        http.awaitMetrics("arborist_level_requests_total{rung=\"2\"} 1.0", "arborist_level_tokens_total{rung=\"2\"} 3.0");

        JsonObject cleared = Http.await(setLevels(new JsonObject().putNull("rung"))).bodyAsJsonObject();
        assertThat(cleared.getValue("override")).isNull();
        assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 3).put("ignore_eos", true))).statusCode()).isEqualTo(200);
        http.awaitMetrics("arborist_level_requests_total{rung=\"0\"} 1.0", "arborist_level_requests_total{rung=\"2\"} 1.0");

        PolicyTable offLadder = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", "short", 1, 7, 1, 0, null)));
        List<JsonObject> bad = List.of(
                new JsonObject().put("rung", 3),
                new JsonObject().put("rung", -1),
                new JsonObject().put("rung", 1.5),
                new JsonObject().put("rung", "1"),
                new JsonObject().put("rungs", 1),
                new JsonObject(),
                new JsonObject().put("policy", new JsonObject().put("schema", "arborist.policy-table.v0").put("default_rung", 0)),
                new JsonObject().put("policy", new JsonObject(offLadder.toJson())).put("rung", 1));
        for (JsonObject body : bad) {
            HttpResponse<Buffer> r = Http.await(setLevels(body));
            assertThat(r.statusCode()).as(body.encode()).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        }
        JsonObject after = Http.await(levels()).bodyAsJsonObject();
        assertThat(after.getValue("override")).isNull();
        assertThat(PolicyTable.fromJson(after.getJsonObject("policy").encode()).entries()).isEmpty();
    }

    @Test
    @Order(4)
    @DisplayName("requests whose classes ask for different rungs share one forward at the densest of them and answer what they"
            + " answer alone there; requests that all ask for a sparser rung run at it")
    void mixedRungsShareAForward() throws Exception {
        List<List<String>> alone = new ArrayList<>(); // per rung, per prompt
        Map<PolicyTable.Features, PolicyTable.Entry> entries = new LinkedHashMap<>(); // both prompts may share features
        for (int rung = 0; rung < 3; rung++) {
            assertThat(Http.await(setLevels(new JsonObject().put("rung", rung))).statusCode()).isEqualTo(200);
            List<String> answers = new ArrayList<>();
            for (String prompt : PROMPTS) {
                answers.add(text(Http.await(http.post("/v1/completions", request(prompt, rung)))));
                int[] tokens = tokenizer.encode(prompt);
                PolicyTable.Entry e = new PolicyTable.Entry("tier_" + rung, PolicyTable.lengthBucket(tokens.length), signature.of(tokens), rung, 1, 0, null);
                entries.putIfAbsent(e.features(), e);
            }
            alone.add(answers);
        }
        for (int p = 0; p < PROMPTS.length; p++) {
            assertThat(List.of(alone.get(0).get(p), alone.get(1).get(p), alone.get(2).get(p)))
                    .as("the rungs answer the same prompt differently, so a mix-up would show").doesNotHaveDuplicates();
        }
        JsonObject table = new JsonObject(new PolicyTable(0, List.copyOf(entries.values())).toJson());
        assertThat(Http.await(setLevels(new JsonObject().putNull("rung").put("policy", table))).statusCode()).isEqualTo(200);

        List<JsonObject> mixed = new ArrayList<>();
        for (String prompt : PROMPTS) {
            mixed.add(request(prompt, 1));
            mixed.add(request(prompt, 2));
        }
        assertThat(together(mixed)).as("rungs 1 and 2 in one batch run at rung 1")
                .containsExactly(alone.get(1).get(0), alone.get(1).get(0), alone.get(1).get(1), alone.get(1).get(1));
        http.awaitMetrics("arborist_level_requests_total{rung=\"1\"} 6.0", "arborist_level_requests_total{rung=\"2\"} 3.0");
        // tokens count at the rung that produced them: 2 x 8 alone and 4 x 8 in the batch at rung 1; rung 2 has the pin's 3 and 2 x 8 alone
        http.awaitMetrics("arborist_level_tokens_total{rung=\"1\"} 48.0", "arborist_level_tokens_total{rung=\"2\"} 19.0");

        assertThat(together(List.of(request(PROMPTS[0], 2), request(PROMPTS[1], 2)))).as("a batch of rung-2 requests runs at rung 2")
                .containsExactlyElementsOf(alone.get(2));
        http.awaitMetrics("arborist_level_requests_total{rung=\"2\"} 5.0", "arborist_level_tokens_total{rung=\"2\"} 35.0");
    }

    private static JsonObject request(String prompt, int tier) {
        return Http.completion(prompt, 8).put("ignore_eos", true).put("slo_class", "tier_" + tier);
    }

    /**
     * Sends the requests while the model thread is held in the listener of a first one, so one
     * admission takes them all into the same batch. @return their answers, in order
     */
    private static List<String> together(List<JsonObject> requests) throws Exception {
        gate.arm();
        assertThat(Http.await(http.post("/v1/completions", Http.completion("the", 1))).statusCode()).isEqualTo(200);
        assertThat(gate.holding.await(30, TimeUnit.SECONDS)).isTrue();
        List<Future<HttpResponse<Buffer>>> sent = requests.stream().map(r -> http.post("/v1/completions", r)).toList();
        http.awaitMetrics("arborist_requests_waiting " + requests.size() + ".0");
        gate.release();
        List<String> answers = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> f : sent) {
            answers.add(text(Http.await(f)));
        }
        return answers;
    }

    @Test
    @Order(5)
    @DisplayName("the exposition with the level meters passes promtool check metrics")
    void promtool() throws Exception {
        String metrics = Http.await(http.get("/metrics")).bodyAsString();
        assertThat(metrics).contains("arborist_model_rung 0.0", "arborist_rung_changes_total 0.0", "arborist_level_requests_total{rung=\"1\"}");
        assertThat(Promtool.problems(metrics)).as("promtool check metrics").isEmpty();
    }

    private static Future<HttpResponse<Buffer>> levels() {
        return http.client.get("/admin/levels").putHeader("Authorization", "Bearer " + TOKEN).send();
    }

    private static Future<HttpResponse<Buffer>> setLevels(JsonObject body) {
        return http.client.post("/admin/levels").putHeader("Authorization", "Bearer " + TOKEN).sendJsonObject(body);
    }

    private static String text(HttpResponse<Buffer> response) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        return response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
    }

    /** A listener that, once armed, holds the model thread in the next request's completion until released. */
    static final class Gate implements RequestListener {
        private volatile CountDownLatch release;
        volatile CountDownLatch holding = new CountDownLatch(1);

        void arm() {
            holding = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        void release() {
            release.countDown();
        }

        @Override
        public void onCompleted(RequestRecord record) {
            CountDownLatch r = release;
            if (r == null || r.getCount() == 0) {
                return;
            }
            holding.countDown();
            try {
                r.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
