package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class CompletionApiTest {
    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext test) throws Exception {
        ServingConfig config = ServingConfig.of(TinyModel.create(dir)).withPort(0).withLimits(4, 16, 1 << 20);
        ServingServer.start(config) // its own Vert.x, as the CLI runs it: Vert.x's HTTP meters are in /metrics
                .compose(s -> s.ready().map(s))
                .onComplete(test.succeeding(s -> {
                    server = s;
                    http = new Http(vertx, s.port());
                    test.completeNow();
                }));
    }

    @AfterAll
    static void stop(VertxTestContext test) {
        server.close().onComplete(test.succeedingThenComplete());
    }

    @Test
    @DisplayName("a non-streaming completion returns text, a finish reason and usage")
    void completion(VertxTestContext test) {
        http.post("/v1/completions", Http.completion("the model keeps", 5)).onComplete(test.succeeding(r -> test.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.getString("object")).isEqualTo("text_completion");
            assertThat(body.getString("model")).isEqualTo("tiny");
            JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
            assertThat(choice.getString("finish_reason")).isIn("stop", "length");
            JsonObject usage = body.getJsonObject("usage");
            assertThat(usage.getInteger("prompt_tokens")).isPositive();
            assertThat(usage.getInteger("completion_tokens")).isBetween(0, 5);
            assertThat(usage.getInteger("total_tokens")).isEqualTo(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"));
            test.completeNow();
        })));
    }

    @Test
    @DisplayName("a streamed chat answer is the same text as the non-streamed one, in chunks, with usage and [DONE]")
    void streamingChat(VertxTestContext test) {
        JsonObject request = Http.chat("pruning removes", 12).put("ignore_eos", true);
        JsonObject streamed = request.copy().put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
        http.post("/v1/chat/completions", request).compose(whole -> http.post("/v1/chat/completions", streamed).map(s -> List.of(whole, s)))
                .onComplete(test.succeeding(both -> test.verify(() -> {
                    JsonObject whole = both.get(0).bodyAsJsonObject();
                    assertThat(whole.getString("object")).isEqualTo("chat.completion");
                    assertThat(both.get(1).getHeader("Content-Type")).startsWith("text/event-stream");
                    List<JsonObject> events = Http.events(both.get(1).bodyAsString());
                    assertThat(events.get(events.size() - 1)).as("ends with [DONE]").isNull();
                    List<JsonObject> chunks = events.subList(0, events.size() - 1);
                    assertThat(chunks).allSatisfy(c -> assertThat(c.getString("object")).isEqualTo("chat.completion.chunk"));
                    assertThat(chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role")).isEqualTo("assistant");
                    JsonObject usageChunk = chunks.get(chunks.size() - 1);
                    assertThat(usageChunk.getJsonArray("choices")).isEmpty();
                    assertThat(usageChunk.getJsonObject("usage")).isEqualTo(whole.getJsonObject("usage"));
                    assertThat(usageChunk.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(12);
                    JsonObject last = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
                    assertThat(last.getString("finish_reason")).isEqualTo("length");
                    String text = chunks.stream().flatMap(c -> c.getJsonArray("choices").stream())
                            .map(c -> ((JsonObject) c).getJsonObject("delta").getString("content", ""))
                            .collect(Collectors.joining());
                    String expected = whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
                    assertThat(text).isEqualTo(expected).isNotEmpty();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("8 parallel greedy requests share the batch and each answers exactly as it does alone")
    void continuousBatching(VertxTestContext test) {
        List<JsonObject> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(Http.completion("the model " + "keeps most weights ".repeat(i % 4 + 1) + i, 6 + 3 * i).put("ignore_eos", true));
        }
        Future<List<String>> alone = Future.succeededFuture(new ArrayList<>());
        for (JsonObject r : requests) {
            alone = alone.compose(list -> http.post("/v1/completions", r).map(resp -> {
                list.add(resp.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text"));
                return list;
            }));
        }
        alone.compose(solo -> Future.all(requests.stream().map(r -> http.post("/v1/completions", r)).collect(Collectors.toList()))
                        .map(all -> List.of(solo, all.<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>list())))
                .onComplete(test.succeeding(pair -> test.verify(() -> {
                    @SuppressWarnings("unchecked")
                    List<String> solo = (List<String>) pair.get(0);
                    @SuppressWarnings("unchecked")
                    List<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> together =
                            (List<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>) pair.get(1);
                    for (int i = 0; i < 8; i++) {
                        JsonObject body = together.get(i).bodyAsJsonObject();
                        assertThat(together.get(i).statusCode()).isEqualTo(200);
                        assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(6 + 3 * i);
                        assertThat(body.getJsonArray("choices").getJsonObject(0).getString("text")).as("request %d", i).isEqualTo(solo.get(i));
                    }
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("/v1/models lists the served model with its context length")
    void models(VertxTestContext test) {
        http.get("/v1/models").onComplete(test.succeeding(r -> test.verify(() -> {
            JsonObject model = r.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
            assertThat(model.getString("id")).isEqualTo("tiny");
            assertThat(model.getInteger("max_model_len")).isEqualTo(TinyModel.CONTEXT);
            test.completeNow();
        })));
    }

    @Test
    @DisplayName("liveness and readiness answer 200 once the model is warmed up")
    void health(VertxTestContext test) {
        Future.all(http.get("/health/live"), http.get("/health/ready")).onComplete(test.succeeding(all -> test.verify(() -> {
            assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).statusCode()).isEqualTo(200);
            assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(1).statusCode()).isEqualTo(200);
            test.completeNow();
        })));
    }

    @Test
    @DisplayName("/metrics exposes the serving histograms, counters, gauges and JVM metrics in Prometheus text")
    void metrics(VertxTestContext test) {
        http.post("/v1/completions", Http.completion("small ones", 3).put("ignore_eos", true))
                .compose(done -> http.get("/metrics"))
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
                    String text = r.bodyAsString();
                    assertThat(text).contains(
                            "arborist_time_to_first_token_seconds_bucket{le=\"0.001\"}",
                            "arborist_inter_token_latency_seconds_bucket",
                            "arborist_e2e_request_latency_seconds_count",
                            "arborist_prompt_tokens_total",
                            "arborist_generation_tokens_total",
                            "arborist_requests_running",
                            "arborist_requests_waiting",
                            "arborist_requests_total{status=\"length\"}",
                            "jvm_memory_used_bytes",
                            "vertx_http_server_requests_total{code=\"200\",method=\"POST\",route=\"/v1/completions\"}",
                            "vertx_http_server_response_time_seconds_count{code=\"200\",method=\"POST\",route=\"/v1/completions\"}",
                            "vertx_http_server_active_connections");
                    assertThat(Promtool.problems(text)).as("promtool check metrics").isEmpty();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("unknown paths and made-up methods add no series of their own to the Vert.x HTTP meters")
    void boundedHttpLabels(VertxTestContext test) {
        String path = "/no/such/path-" + System.nanoTime();
        Future.all(http.get(path), http.client.request(io.vertx.core.http.HttpMethod.valueOf("FROB"), "/v1/models").send())
                .compose(done -> http.get("/metrics"))
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    String text = r.bodyAsString();
                    assertThat(text).contains(
                            "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"unmatched\"}",
                            "vertx_http_server_requests_total{code=\"405\",method=\"OTHER\",route=\"unmatched\"}");
                    assertThat(text).doesNotContain(path, "FROB");
                    test.completeNow();
                })));
    }
}
