package dev.arborist.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} binary as a subprocess on a free loopback port, and the parts of its HTTP API
 * the tests read. {@link #close} stops the process (SIGTERM, then SIGKILL); its files stay in the directory
 * given to {@link #start}, for the caller to delete.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);

    private final Process process;
    private final URI base;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** An instant query's answer: {@code status} "success" with a result, or "error" with Prometheus' message. */
    record Answer(String status, String error, JsonNode result) {
        boolean ok() {
            return "success".equals(status);
        }

        /** Series (or a scalar) in the result, NaN ones included. */
        boolean hasSeries() {
            return ok() && !result.isEmpty();
        }

        /** A sample that is a number, not NaN: what Grafana draws as data. */
        boolean hasNumbers() {
            if (!ok()) {
                return false;
            }
            if (result.isArray() && result.size() == 2 && result.get(1).isTextual()) {
                return isNumber(result.get(1)); // a scalar: [time, "value"]
            }
            for (JsonNode series : result) {
                if (isNumber(series.path("value").path(1))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return ok() ? result.toString() : status + ": " + error;
        }

        private static boolean isNumber(JsonNode value) {
            return value.isTextual() && !value.asText().equals("NaN");
        }
    }

    /**
     * Starts {@code binary} on {@code config}, with its TSDB and log in {@code dir}; returns once it answers
     * /-/ready.
     */
    static PrometheusServer start(Path binary, Path config, Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        try {
            Poll.await("Prometheus to answer /-/ready", READY, server::ready);
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /** Evaluates {@code promql} now, through /api/v1/query. */
    Answer query(String promql) {
        JsonNode body = get("/api/v1/query?query=" + encode(promql));
        return new Answer(body.path("status").asText(), body.path("error").asText(null), body.path("data").path("result"));
    }

    /** /api/v1/targets: the active targets, each with its labels and health. */
    JsonNode activeTargets() {
        return success(get("/api/v1/targets")).path("activeTargets");
    }

    /** /api/v1/rules: the loaded rule groups, each rule with its health, last error and last evaluation. */
    JsonNode ruleGroups() {
        return success(get("/api/v1/rules")).path("groups");
    }

    /** The values of {@code label} on the series {@code selector} matches: what Grafana's label_values() offers. */
    List<String> labelValues(String label, String selector) {
        List<String> out = new ArrayList<>();
        success(get("/api/v1/label/" + label + "/values?match[]=" + encode(selector))).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The end of Prometheus' log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean ready() throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + logTail());
        }
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** The JSON body; Prometheus answers errors (400, 422, 503) with a JSON body too. */
    private JsonNode get(String pathAndQuery) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30)).build();
            return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus did not answer " + pathAndQuery + ":\n" + logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode success(JsonNode body) {
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("Prometheus answered " + body);
        }
        return body.path("data");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A port free a moment ago; Prometheus fails to start (and says so) in the rare case another process took it since. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
