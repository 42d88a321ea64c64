package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
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

/** What the router answers by itself (no route, wrong method) is an OpenAI-style error, never a bare page or a 5xx. */
@ExtendWith(VertxExtension.class)
class RouterErrorsTest {
    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;

    /** One request the router refuses, the status it must get and the error code in the body. */
    record Case(HttpMethod method, String path, String contentType, int status, String code) {}

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext test) throws Exception {
        ServingConfig config = ServingConfig.of(TinyModel.create(dir)).withPort(0);
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
        return List.of(
                new Case(HttpMethod.GET, "/", null, 404, "unknown_url"),
                new Case(HttpMethod.GET, "/v1/engines", null, 404, "unknown_url"),
                new Case(HttpMethod.POST, "/v1/embeddings", json, 404, "unknown_url"),
                new Case(HttpMethod.GET, "/admin/plan", null, 404, "unknown_url"), // no admin token configured
                new Case(HttpMethod.GET, "/v1/completions", null, 405, "method_not_allowed"),
                new Case(HttpMethod.GET, "/v1/chat/completions", null, 405, "method_not_allowed"),
                new Case(HttpMethod.DELETE, "/v1/models", null, 405, "method_not_allowed"),
                new Case(HttpMethod.POST, "/v1/models", json, 405, "method_not_allowed"),
                new Case(HttpMethod.PUT, "/health/live", null, 405, "method_not_allowed"));
    }

    @Test
    @DisplayName("unknown routes get 404 and wrong methods 405, each with an OpenAI-style JSON error body")
    void routerErrors(VertxTestContext test) {
        List<Case> cases = cases();
        Checkpoint answered = test.checkpoint(cases.size());
        for (Case c : cases) {
            var request = http.client.request(c.method(), c.path());
            if (c.contentType() != null) {
                request.putHeader("Content-Type", c.contentType());
            }
            var sent = c.method() == HttpMethod.POST ? request.sendJsonObject(new JsonObject()) : request.send();
            String name = c.method() + " " + c.path();
            sent.onComplete(test.succeeding(r -> test.verify(() -> {
                assertThat(r.statusCode()).as(name).isEqualTo(c.status());
                assertThat(r.getHeader("Content-Type")).as(name).startsWith("application/json");
                JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
                assertThat(error.fieldNames()).as(name).containsExactlyInAnyOrder("message", "type", "param", "code");
                assertThat(error.getString("message")).as(name).contains(c.path());
                assertThat(error.getString("type")).as(name).isEqualTo("invalid_request_error");
                assertThat(error.getString("code")).as(name).isEqualTo(c.code());
                answered.flag();
            })));
        }
    }

    @Test
    @DisplayName("a malformed request URI is a 4xx with an OpenAI-style error body, not a 5xx")
    void malformedUri(VertxTestContext test) {
        http.client.get("/v1/%zz").send().onComplete(test.succeeding(r -> test.verify(() -> {
            assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(400, 499);
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
            test.completeNow();
        })));
    }
}
