package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("while the model is not loaded the server is live but not ready, and completions get 503")
    void notReady(Vertx vertx, VertxTestContext test) throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("config.json"), "{ not json");
        ServingServer.start(vertx, ServingConfig.of(broken).withPort(0), List.of()).onComplete(test.succeeding(server -> {
            Http http = new Http(vertx, server.port());
            server.ready().onComplete(test.failing(loadError -> Future.all(http.get("/health/live"), http.get("/health/ready"),
                            http.post("/v1/completions", Http.completion("the", 2).put("model", "broken")))
                    .onComplete(test.succeeding(all -> test.verify(() -> {
                        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).statusCode()).isEqualTo(200);
                        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(1).statusCode()).isEqualTo(503);
                        assertThat(all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(2).statusCode()).isEqualTo(503);
                        assertThat(loadError).hasMessageContaining("config.json");
                        server.close().onComplete(test.succeedingThenComplete());
                    })))));
        }));
    }

    @Test
    @DisplayName("closing the server lets a running stream finish all its tokens, then refuses new connections")
    void gracefulShutdown(Vertx vertx, VertxTestContext test) throws Exception {
        ServingConfig config = ServingConfig.of(TinyModel.create(dir)).withPort(0);
        Promise<Void> closed = Promise.promise();
        ServingServer.start(vertx, config, List.of()).compose(s -> s.ready().map(s)).onComplete(test.succeeding(server -> {
            JsonObject request = Http.completion("the", 40).put("stream", true).put("ignore_eos", true)
                    .put("stream_options", new JsonObject().put("include_usage", true));
            Http.stream(vertx, server.port(), "/v1/completions", request, req -> server.close().onComplete(closed))
                    .compose(body -> closed.future().map(body))
                    .onComplete(test.succeeding(body -> test.verify(() -> {
                        List<JsonObject> events = Http.events(body);
                        assertThat(events.get(events.size() - 1)).isNull();
                        assertThat(events.get(events.size() - 2).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(40);
                        new Http(vertx, server.port()).get("/health/live").onComplete(test.failingThenComplete());
                    })));
        }));
    }
}
