package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class BadInputTest {
    private static final int BODY_LIMIT = 4096;

    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;

    /** One bad request and what the server must answer. */
    record Case(String name, Supplier<Future<HttpResponse<Buffer>>> send, int status, String param) {}

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext test) throws Exception {
        ServingConfig config = ServingConfig.of(TinyModel.create(dir)).withPort(0).withLimits(2, 8, BODY_LIMIT);
        ServingServer.start(vertx, config, List.of()).compose(s -> s.ready().map(s)).onComplete(test.succeeding(s -> {
            server = s;
            http = new Http(vertx, s.port());
            test.completeNow();
        }));
    }

    @AfterAll
    static void stop(VertxTestContext test) {
        server.close().onComplete(test.succeedingThenComplete());
    }

    private static List<Case> cases() {
        String json = "application/json";
        String longPrompt = "the model keeps most weights ".repeat(100); // well over 128 tokens, under the body limit
        return List.of(
                new Case("malformed JSON", () -> http.raw("/v1/completions", json, Buffer.buffer("{\"model\": \"tiny\", ")), 400, null),
                new Case("a JSON array, not an object", () -> http.raw("/v1/completions", json, Buffer.buffer("[1, 2]")), 400, null),
                new Case("invalid UTF-8", () -> http.raw("/v1/completions", json,
                        Buffer.buffer("{\"model\": \"tiny\", \"prompt\": \"").appendBytes(new byte[] {(byte) 0xC3, (byte) 0x28}).appendString("\"}")), 400, null),
                new Case("wrong content type", () -> http.raw("/v1/completions", "text/plain", Http.completion("the", 2).toBuffer()), 415, null),
                new Case("body over the size limit", () -> http.post("/v1/completions", Http.completion("x".repeat(2 * BODY_LIMIT), 2)), 413, null),
                new Case("prompt of the wrong type", () -> http.post("/v1/completions", Http.completion("the", 2).put("prompt", 42)), 400, "prompt"),
                new Case("max_tokens of the wrong type", () -> http.post("/v1/completions", Http.completion("the", 2).put("max_tokens", "many")), 400, "max_tokens"),
                new Case("stream of the wrong type", () -> http.post("/v1/chat/completions", Http.chat("the", 2).put("stream", "yes")), 400, "stream"),
                new Case("temperature out of range", () -> http.post("/v1/completions", Http.completion("the", 2).put("temperature", 5)), 400, "temperature"),
                new Case("missing model", () -> http.post("/v1/completions", Http.completion("the", 2).putNull("model")), 400, "model"),
                new Case("unknown model", () -> http.post("/v1/completions", Http.completion("the", 2).put("model", "gpt-9")), 404, "model"),
                new Case("empty prompt", () -> http.post("/v1/completions", Http.completion("", 2)), 400, "prompt"),
                new Case("empty messages", () -> http.post("/v1/chat/completions", Http.chat("x", 2).put("messages", new JsonArray())), 400, "messages"),
                new Case("message without a role", () -> http.post("/v1/chat/completions",
                        Http.chat("x", 2).put("messages", new JsonArray().add(new JsonObject().put("content", "hi")))), 400, "messages[0].role"),
                new Case("prompt longer than the context", () -> http.post("/v1/completions", Http.completion(longPrompt, 2)), 400, "prompt"),
                new Case("max_tokens beyond the context", () -> http.post("/v1/completions", Http.completion("the", TinyModel.CONTEXT)), 400, "max_tokens"),
                new Case("max_tokens below 1", () -> http.post("/v1/chat/completions", Http.chat("the", 0)), 400, "max_tokens"));
    }

    @Test
    @DisplayName("every kind of bad input gets its 4xx and an OpenAI-style error body")
    void badInput(VertxTestContext test) {
        List<Case> cases = cases();
        Checkpoint answered = test.checkpoint(cases.size());
        for (Case c : cases) {
            c.send().get().onComplete(test.succeeding(r -> test.verify(() -> {
                assertThat(r.statusCode()).as(c.name()).isEqualTo(c.status());
                JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
                assertThat(error.fieldNames()).as(c.name()).contains("message", "type", "param", "code");
                assertThat(error.getString("message")).as(c.name()).isNotBlank();
                assertThat(error.getString("param")).as(c.name()).isEqualTo(c.param());
                answered.flag();
            })));
        }
    }

    @Test
    @DisplayName("after a burst of bad requests the server still answers a good one")
    void staysUp(VertxTestContext test) {
        Future.all(cases().stream().map(c -> c.send().get()).toList())
                .compose(all -> http.post("/v1/completions", Http.completion("the model", 3)))
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.bodyAsJsonObject().getJsonArray("choices")).hasSize(1);
                    test.completeNow();
                })));
    }
}
