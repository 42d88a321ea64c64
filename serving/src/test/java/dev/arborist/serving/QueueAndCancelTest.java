package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One batch slot and one queue place: a long stream holds the slot, one request waits, the next is refused. */
@ExtendWith(VertxExtension.class)
class QueueAndCancelTest {
    private static final int CONTEXT = 1024; // long enough that the holding stream outlives the test's requests

    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext test) throws Exception {
        ServingConfig config = ServingConfig.of(TinyModel.create(dir, CONTEXT)).withPort(0).withLimits(1, 1, 1 << 20);
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

    @Test
    @DisplayName("a full queue answers 429 with Retry-After; a client that disconnects frees its slot for the waiting request")
    void queueFullThenCancel(Vertx vertx, VertxTestContext test) {
        Promise<HttpResponse<Buffer>> waiting = Promise.promise();
        Promise<HttpResponse<Buffer>> refused = Promise.promise();
        Future<String> holder = Http.stream(vertx, http.port, "/v1/completions",
                Http.completion("the", CONTEXT - 10).put("stream", true).put("ignore_eos", true), req -> {
                    // The holder is running: fill the one queue place, then overflow it, then hang up.
                    http.post("/v1/completions", Http.completion("the model", 3)).onComplete(waiting);
                    vertx.setTimer(100, t -> http.post("/v1/completions", Http.completion("the model", 3)).onComplete(r -> {
                        refused.handle(r);
                        req.connection().close();
                    }));
                });
        Future.all(waiting.future(), refused.future())
                .compose(all -> http.get("/metrics").map(m -> List.of(all.resultAt(0), all.resultAt(1), m)))
                .onComplete(test.succeeding(rs -> test.verify(() -> {
                    HttpResponse<?> queued = rs.get(0);
                    HttpResponse<?> full = rs.get(1);
                    assertThat(full.statusCode()).isEqualTo(429);
                    assertThat(full.getHeader("Retry-After")).isEqualTo("1");
                    assertThat(full.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
                    assertThat(queued.statusCode()).isEqualTo(200);
                    assertThat(holder.failed()).as("the holder was cut off, not finished").isTrue();
                    String metrics = rs.get(2).bodyAsString();
                    assertThat(metrics).contains("arborist_requests_total{status=\"cancelled\"} 1.0", "arborist_requests_total{status=\"rejected\"} 1.0");
                    test.completeNow();
                })));
    }
}
