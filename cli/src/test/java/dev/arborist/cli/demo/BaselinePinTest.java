package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pin against a stand-in for serving's {@code /admin/levels} (a JDK HTTP server that keeps the
 * served plan and its pin as serving does: per plan, a new plan starts unpinned).
 */
class BaselinePinTest {
    private static final String TOKEN = "secret";

    private HttpServer server;
    private String planId = "p1";
    private int rungs = 3;
    private Integer pinned;
    private final List<String> posts = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/admin/levels", this::levels);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    @DisplayName("sparsest: pins the last rung once, leaves a held pin alone, pins again when a new plan arrives")
    void repinsNewPlans() throws Exception {
        BaselinePin pin = pin(Baseline.SPARSEST);
        assertThat(pin.hold()).isEqualTo(OptionalInt.of(2));
        assertThat(pin.hold()).isEqualTo(OptionalInt.of(2));
        assertThat(posts).containsExactly("{\"rung\": 2}");

        planId = "p2"; // the agent's rebuilt plan, a longer ladder, unpinned
        rungs = 4;
        pinned = null;
        assertThat(pin.hold()).isEqualTo(OptionalInt.of(3));
        assertThat(posts).containsExactly("{\"rung\": 2}", "{\"rung\": 3}");
        assertThat(authorizations).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
        assertThat(pin.levels().pinned()).isEqualTo(3);
    }

    @Test
    @DisplayName("agent: never touches the admin API; dense: pins rung 0")
    void agentAndDense() throws Exception {
        assertThat(pin(Baseline.AGENT).hold()).isEmpty();
        assertThat(authorizations).isEmpty();
        assertThat(pin(Baseline.DENSE).hold()).isEqualTo(OptionalInt.of(0));
        assertThat(posts).containsExactly("{\"rung\": 0}");
    }

    @Test
    @DisplayName("a plan without a ladder cannot be pinned: the run stops with the plan named")
    void noLadder() {
        rungs = 0;
        assertThatThrownBy(() -> pin(Baseline.DENSE).hold()).isInstanceOf(IllegalStateException.class).hasMessageContaining("plan p1 has no ladder");
    }

    private BaselinePin pin(Baseline baseline) {
        return new BaselinePin(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + server.getAddress().getPort()), TOKEN, baseline,
                line -> { });
    }

    private void levels(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        if (exchange.getRequestMethod().equals("POST")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            posts.add(body);
            pinned = Integer.parseInt(body.replaceAll("\\D", ""));
        }
        StringBuilder ladder = new StringBuilder();
        for (int r = 0; r < rungs; r++) {
            ladder.append(r == 0 ? "" : ",").append("{\"rung\":").append(r).append(",\"perplexity_ratio\":").append(1 + 0.05 * r).append('}');
        }
        byte[] body = ("{\"plan_id\":\"" + planId + "\",\"elastic\":true,\"rungs\":[" + ladder + "],\"base_rung\":0,\"override\":" + pinned + "}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
