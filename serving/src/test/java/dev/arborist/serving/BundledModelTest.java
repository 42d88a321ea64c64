package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The model that ships with the repository, served end to end. */
@ExtendWith(VertxExtension.class)
class BundledModelTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");

    @Test
    @DisplayName("the bundled Mixtral model answers a chat request with 8 tokens of text")
    void bundledChat(Vertx vertx, VertxTestContext test) {
        ServingServer.start(vertx, ServingConfig.of(MODEL).withPort(0), List.of()).compose(s -> s.ready().map(s)).onComplete(test.succeeding(server -> {
            JsonObject request = Http.chat("Tell me about pruning.", 8).put("model", "arborist-moe-6x8").put("ignore_eos", true);
            new Http(vertx, server.port()).post("/v1/chat/completions", request).onComplete(test.succeeding(r -> test.verify(() -> {
                assertThat(r.statusCode()).isEqualTo(200);
                JsonObject body = r.bodyAsJsonObject();
                assertThat(body.getString("model")).isEqualTo("arborist-moe-6x8");
                assertThat(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).isNotBlank();
                assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(8);
                server.close().onComplete(test.succeedingThenComplete());
            })));
        }));
    }
}
