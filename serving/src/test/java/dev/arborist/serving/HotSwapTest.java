package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.io.DType;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Admin API and hot swap over real HTTP; the tests share one server and run in order. */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotSwapTest {
    private static final String TOKEN = "s3cret";
    private static final int TOKENS = 24;
    private static final JsonObject GREEDY = Http.completion("the model keeps", 16).put("ignore_eos", true);

    @TempDir
    static Path dir;

    static ServingServer server;
    static ServingServer prunedServer; // serves the plan's masked weights as a plain model, no admin API
    static Http http;
    static Http pruned;
    static String planId;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext test) throws Exception {
        Path model = TinyModel.create(Files.createDirectories(dir.resolve("base")));
        Path other = TinyModel.create(Files.createDirectories(dir.resolve("other")), 64); // another config: another fingerprint
        Path prunedModel = dir.resolve("pruned").resolve("tiny");
        try (LanguageModel base = LanguageModel.load(model); LanguageModel otherBase = LanguageModel.load(other)) {
            PruningPlan plan = plan(base);
            planId = PlanArtifact.write(dir.resolve("plan"), plan, base, null, Map.of()).id();
            PlanArtifact.write(dir.resolve("corrupt"), plan, base, null, Map.of());
            flipByte(dir.resolve("corrupt").resolve(PlanArtifact.PLAN_FILE));
            PlanArtifact.write(dir.resolve("foreign"), plan(otherBase), otherBase, null, Map.of());
            try (NDManager m = base.manager().newSubManager()) {
                WeightEditor.Result r = plan.applyMasked(base.config(), base.transformer().weights(), m);
                LanguageModel.save(r.config(), r.weights(), prunedModel, DType.F32, model.resolve("tokenizer.json"));
            }
        }
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(8, 16, 1 << 20).withAdminToken(TOKEN);
        Future<ServingServer> main = ServingServer.start(vertx, config, List.of()).compose(s -> s.ready().map(s));
        Future<ServingServer> ref = ServingServer.start(vertx, ServingConfig.of(prunedModel).withPort(0), List.of()).compose(s -> s.ready().map(s));
        Future.all(main, ref).onComplete(test.succeeding(all -> {
            server = main.result();
            prunedServer = ref.result();
            http = new Http(vertx, server.port());
            pruned = new Http(vertx, prunedServer.port());
            test.completeNow();
        }));
    }

    private static PruningPlan plan(LanguageModel base) {
        int[] tokens = new Random(3).ints(64, 0, base.config().vocabSize()).toArray();
        return PruningMethods.create("magnitude").plan(new PruningTarget(base, 0.7, Map.of()), CalibrationSet.fromTokens(tokens, 2, 16), (d, t) -> {});
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

    @AfterAll
    static void stop(VertxTestContext test) {
        Future.all(server.close(), prunedServer.close()).onComplete(test.succeedingThenComplete());
    }

    private static Future<HttpResponse<Buffer>> admin(String method, String path, String token, JsonObject body) {
        var request = http.client.request(io.vertx.core.http.HttpMethod.valueOf(method), path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return body == null ? request.send() : request.sendJsonObject(body);
    }

    private static Future<String> text(Http client) {
        return client.post("/v1/completions", GREEDY).map(r -> r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text"));
    }

    private static Future<String> current() {
        return admin("GET", "/admin/plan", TOKEN, null).map(r -> r.bodyAsJsonObject().getString("current"));
    }

    @SuppressWarnings("unchecked")
    @Test
    @Order(1)
    @DisplayName("without or with a wrong bearer token the admin API answers 401 and changes nothing")
    void unauthorized(VertxTestContext test) {
        JsonObject load = new JsonObject().put("path", dir.resolve("plan").toString());
        Future.all(List.of(admin("GET", "/admin/plan", null, null), admin("POST", "/admin/plan", "wrong", load),
                        admin("POST", "/admin/rollback", null, null), admin("POST", "/admin/plan", TOKEN + "x", load)))
                .compose(all -> current().map(c -> List.of(all.list(), c)))
                .onComplete(test.succeeding(out -> test.verify(() -> {
                    List<HttpResponse<Buffer>> refused = (List<HttpResponse<Buffer>>) out.get(0);
                    assertThat(refused).allSatisfy(r -> {
                        assertThat(r.statusCode()).isEqualTo(401);
                        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
                    });
                    assertThat(out.get(1)).isEqualTo(ModelVersion.DENSE);
                    test.completeNow();
                })));
    }

    @Test
    @Order(2)
    @DisplayName("a server without an admin token has no admin API; rollback with nothing before is 409")
    void disabledAndNothingToRollBack(VertxTestContext test) {
        Future.all(pruned.get("/admin/plan"), admin("POST", "/admin/rollback", TOKEN, null)).onComplete(test.succeeding(all -> test.verify(() -> {
            assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(404);
            assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(409);
            test.completeNow();
        })));
    }

    @Test
    @Order(3)
    @DisplayName("a corrupted plan, a plan for another base model and a missing directory are rejected; serving stays dense")
    void rejected(VertxTestContext test) {
        Future<HttpResponse<Buffer>> corrupt = admin("POST", "/admin/plan", TOKEN, new JsonObject().put("path", dir.resolve("corrupt").toString()));
        Future<HttpResponse<Buffer>> foreign = corrupt.compose(x -> admin("POST", "/admin/plan", TOKEN, new JsonObject().put("path", dir.resolve("foreign").toString())));
        Future<HttpResponse<Buffer>> missing = foreign.compose(x -> admin("POST", "/admin/plan", TOKEN, new JsonObject().put("path", dir.resolve("nowhere").toString())));
        missing.compose(x -> Future.all(current(), http.get("/metrics"))).onComplete(test.succeeding(after -> test.verify(() -> {
            assertThat(corrupt.result().statusCode()).isEqualTo(422);
            assertThat(corrupt.result().bodyAsJsonObject().getJsonObject("error").getString("message")).contains("corrupted");
            assertThat(foreign.result().statusCode()).isEqualTo(422);
            assertThat(foreign.result().bodyAsJsonObject().getJsonObject("error").getString("message")).contains("base model");
            assertThat(missing.result().statusCode()).isEqualTo(404);
            assertThat(after.<String>resultAt(0)).isEqualTo(ModelVersion.DENSE);
            String metrics = after.<HttpResponse<Buffer>>resultAt(1).bodyAsString();
            assertThat(metrics).contains("arborist_swaps_total{result=\"rejected\"} 3.0", "arborist_swaps_total{result=\"ok\"} 0.0",
                    "arborist_model_info{plan_id=\"dense\"} 1\n");
            test.completeNow();
        })));
    }

    @Test
    @Order(4)
    @DisplayName("a swap under 8 streaming requests: all finish in full, later requests get the pruned model's output")
    void swapUnderLoad(Vertx vertx, VertxTestContext test) {
        JsonObject streaming = Http.completion("pruning removes small", TOKENS).put("ignore_eos", true).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));
        Promise<HttpResponse<Buffer>> swap = Promise.promise();
        Future<String> dense = text(http);
        Future<String> expected = text(pruned);
        Future.all(dense, expected).onComplete(test.succeeding(ignored -> {
            List<Future<String>> streams = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                streams.add(Http.stream(vertx, server.port(), "/v1/completions", streaming, req -> {
                    if (streams.size() == 8 && !swapStarted[0]) {
                        swapStarted[0] = true; // swap while all eight are decoding
                        admin("POST", "/admin/plan", TOKEN, new JsonObject().put("path", dir.resolve("plan").toString())).onComplete(swap);
                    }
                }));
            }
            Future<HttpResponse<Buffer>> swapped = swap.future();
            swapped.compose(r -> Future.all(streams)).compose(all -> Future.all(text(http), http.get("/metrics"), current()))
                    .onComplete(test.succeeding(after -> test.verify(() -> {
                        HttpResponse<Buffer> r = swapped.result();
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.bodyAsJsonObject().getString("plan_id")).isEqualTo(planId);
                        for (Future<String> s : streams) {
                            List<JsonObject> events = Http.events(s.result());
                            assertThat(events.get(events.size() - 1)).isNull();
                            JsonObject usage = events.get(events.size() - 2).getJsonObject("usage");
                            assertThat(usage.getInteger("completion_tokens")).isEqualTo(TOKENS);
                        }
                        assertThat(expected.result()).as("the plan changes the greedy output").isNotEqualTo(dense.result());
                        assertThat(after.<String>resultAt(0)).isEqualTo(expected.result());
                        String metrics = after.<HttpResponse<Buffer>>resultAt(1).bodyAsString();
                        assertThat(metrics).contains("arborist_swaps_total{result=\"ok\"} 1.0", "arborist_model_info{plan_id=\"" + planId + "\"} 1\n",
                                "arborist_swap_duration_seconds_count 1");
                        assertThat(metrics).doesNotContain("arborist_model_info{plan_id=\"dense\"}");
                        assertThat(metrics).containsPattern("arborist_model_sparsity 0\\.[5-9]");
                        assertThat(after.<String>resultAt(2)).isEqualTo(planId);
                        test.completeNow();
                    })));
        }));
    }

    private static final boolean[] swapStarted = {false};

    @SuppressWarnings("unchecked")
    @Test
    @Order(5)
    @DisplayName("rollback returns to the dense model at once, and a second rollback to the plan")
    void rollback(VertxTestContext test) {
        Future<String> expected = text(pruned);
        expected.compose(ready -> admin("POST", "/admin/rollback", TOKEN, null)) // the reference output first: no race
                .compose(back -> text(http).compose(t -> admin("GET", "/admin/plan", TOKEN, null).map(p -> List.of(back, t, p))))
                .compose(first -> admin("POST", "/admin/rollback", TOKEN, null).compose(again -> text(http).map(t -> List.of(first, again, t))))
                .onComplete(test.succeeding(out -> test.verify(() -> {
                    List<?> first = (List<?>) out.get(0);
                    assertThat(((HttpResponse<Buffer>) first.get(0)).bodyAsJsonObject().getString("plan_id")).isEqualTo(ModelVersion.DENSE);
                    assertThat(first.get(1)).isNotEqualTo(expected.result());
                    JsonObject state = ((HttpResponse<Buffer>) first.get(2)).bodyAsJsonObject();
                    assertThat(state.getString("current")).isEqualTo(ModelVersion.DENSE);
                    assertThat(state.getString("previous")).isEqualTo(planId);
                    assertThat(state.getDouble("sparsity")).isEqualTo(0.0);
                    assertThat(((HttpResponse<Buffer>) out.get(1)).bodyAsJsonObject().getString("plan_id")).isEqualTo(planId);
                    assertThat(out.get(2)).isEqualTo(expected.result());
                    test.completeNow();
                })));
    }
}
