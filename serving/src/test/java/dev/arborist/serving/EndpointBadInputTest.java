package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exhaustive bad-input barrage: every route, every field, every way a body or a request can be
 * wrong (the cases are in {@link BadRequests}). Each must get a 4xx with an OpenAI-style JSON error
 * body, within {@link #HANG}; afterwards the server still answers a completion exactly as before
 * and its HTTP meters show no 5xx. {@link BadInputTest} and {@link RouterErrorsTest} check a few
 * of these cases in more detail (error param and code); this class trades that for breadth.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointBadInputTest {
    static final int BODY_LIMIT = 4096;
    static final String TOKEN = "s3cret";
    private static final Duration HANG = Duration.ofSeconds(10);
    private static final JsonObject GREEDY = Http.completion("the model keeps", 8).put("ignore_eos", true);

    @TempDir
    static Path dir;

    static ServingServer server;
    static Http http;
    static String before;

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        Path model = TinyModel.create(dir);
        Files.writeString(dir.resolve("a-file"), "not a directory");
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(2, 8, BODY_LIMIT).withAdminToken(TOKEN);
        server = Http.await(ServingServer.start(config)); // a Vert.x of its own: its HTTP meters are in /metrics
        Http.await(server.ready());
        http = new Http(vertx, server.port());
        before = text(Http.await(http.post("/v1/completions", GREEDY)).bodyAsJsonObject());
    }

    @AfterAll
    static void stop() throws Exception {
        Http.await(server.close());
    }

    static List<BadRequests.Case> allCases() {
        return BadRequests.all(dir);
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    @DisplayName("a bad request gets its 4xx with an OpenAI-style error body, never a 5xx or a hang")
    void refused(BadRequests.Case c) throws Exception {
        assertRefused(c);
    }

    static List<BadRequests.Case> malformedHttp() {
        return BadRequests.malformedHttp();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHttp")
    @DisplayName("what the HTTP codec refuses before routing (bad request line, 414, 431) also gets an OpenAI-style error body")
    void refusedByTheCodec(BadRequests.Case c) throws Exception {
        assertRefused(c);
    }

    private static void assertRefused(BadRequests.Case c) throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), c.request(), HANG);
        String seen = r.status() + " " + r.text();
        if (c.status() == BadRequests.ANY_4XX) {
            assertThat(r.status()).as(seen).isBetween(400, 499);
        } else {
            assertThat(r.status()).as(seen).isEqualTo(c.status());
        }
        assertThat(r.header("Content-Type")).as(seen).startsWith("application/json");
        JsonObject error = r.json().getJsonObject("error");
        assertThat(error).as(seen).isNotNull();
        assertThat(error.getString("message")).as(seen).isNotBlank();
        assertThat(error.getString("type")).as(seen).isEqualTo("invalid_request_error");
        if (c.param() != null) {
            assertThat(error.getString("param")).as(seen).isEqualTo(c.param());
        }
    }

    static List<BadRequests.Case> oddText() {
        return BadBodies.oddText();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("oddText")
    @DisplayName("text a tokenizer may choke on (lone surrogates, NULs, BOMs) is served or refused, never a 5xx")
    void oddText(BadRequests.Case c) throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), c.request(), HANG);
        String seen = r.status() + " " + r.text();
        assertThat(r.status()).as(seen).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.json().getJsonObject("error").getString("type")).as(seen).isEqualTo("invalid_request_error");
        } else if (r.header("Content-Type").startsWith("text/event-stream")) {
            assertThat(r.text()).as("a stream ends with [DONE] and reports no error").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
        } else {
            assertThat(r.json().getJsonArray("choices")).as(seen).hasSize(1);
        }
    }

    @Test
    @Order(2)
    @DisplayName("after the whole barrage the server answers a completion exactly as before, and /metrics counts no 5xx")
    void unharmed() throws Exception {
        var answer = Http.await(http.post("/v1/completions", GREEDY));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(text(answer.bodyAsJsonObject())).isEqualTo(before);

        List<String> served = Http.await(http.get("/metrics")).bodyAsString().lines()
                .filter(l -> l.startsWith("vertx_http_server_requests_total{")).toList();
        assertThat(served).as("the barrage is in the meters").anyMatch(l -> l.contains("code=\"400\""));
        assertThat(served).as("no 5xx at all").noneMatch(l -> l.matches(".*code=\"5\\d\\d\".*"));
        assertThat(Http.await(http.get("/metrics")).bodyAsString()).contains("arborist_requests_total{status=\"error\"} 0.0");
    }

    private static String text(JsonObject completion) {
        return completion.getJsonArray("choices").getJsonObject(0).getString("text");
    }
}
