package dev.arborist.serving;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;

/** A test client for one server: JSON posts, raw posts and SSE parsing. */
final class Http {
    final WebClient client;
    final int port;

    Http(Vertx vertx, int port) {
        this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
        this.port = port;
    }

    Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
        return client.post(path).sendJsonObject(body);
    }

    Future<HttpResponse<Buffer>> raw(String path, String contentType, Buffer body) {
        return client.post(path).putHeader("Content-Type", contentType).sendBuffer(body);
    }

    Future<HttpResponse<Buffer>> get(String path) {
        return client.get(path).send();
    }

    /**
     * Posts a streaming request over a raw connection and calls {@code onFirstData} with the
     * request once the first SSE bytes arrive; completes with the whole body (or fails if the
     * connection is closed first).
     */
    static Future<String> stream(Vertx vertx, int port, String path, JsonObject body, java.util.function.Consumer<io.vertx.core.http.HttpClientRequest> onFirstData) {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient();
        io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
        client.request(io.vertx.core.http.HttpMethod.POST, port, "localhost", path).onSuccess(req -> {
            req.putHeader("Content-Type", "application/json");
            req.response().onSuccess(resp -> {
                Buffer all = Buffer.buffer();
                resp.handler(chunk -> {
                    if (all.length() == 0) {
                        onFirstData.accept(req);
                    }
                    all.appendBuffer(chunk);
                });
                resp.endHandler(v -> done.tryComplete(all.toString()));
                resp.exceptionHandler(done::tryFail);
            }).onFailure(done::tryFail);
            req.connection().closeHandler(v -> done.tryFail("connection closed"));
            req.end(body.toBuffer());
        }).onFailure(done::tryFail);
        return done.future().eventually(client::close);
    }

    static JsonObject completion(String prompt, int maxTokens) {
        return new JsonObject().put("model", "tiny").put("prompt", prompt).put("max_tokens", maxTokens).put("temperature", 0);
    }

    static JsonObject chat(String content, int maxTokens) {
        return new JsonObject().put("model", "tiny").put("max_tokens", maxTokens).put("temperature", 0)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
    }

    /** The JSON payloads of an SSE body; the terminating {@code [DONE]} is returned as null. */
    static List<JsonObject> events(String body) {
        List<JsonObject> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            if (!block.startsWith("data: ")) {
                throw new AssertionError("not an SSE data line: " + block);
            }
            String data = block.substring("data: ".length());
            events.add(data.equals("[DONE]") ? null : new JsonObject(data));
        }
        return events;
    }

    /** How long the blocking helpers below wait. */
    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);

    /**
     * Scrapes /metrics until every line is there: listeners hear of a request just after its
     * response, and telemetry counters move on the broker's ack.
     */
    void awaitMetrics(String... lines) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String metrics = await(get("/metrics")).bodyAsString();
        while (!List.of(lines).stream().allMatch(metrics::contains) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = await(get("/metrics")).bodyAsString();
        }
        org.assertj.core.api.Assertions.assertThat(metrics).contains(lines);
    }

    /** Blocks a test thread (never an event loop) on a future. */
    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }
}
