package dev.arborist.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's HTTP endpoints: {@code /metrics} (Prometheus text) and {@code /health/live} (200
 * while the control loop runs, 503 once it has failed, so an orchestrator restarts the agent).
 */
public final class MetricsServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port 0 for any free port
     * @param scrape called per request to /metrics
     * @param live whether the agent is alive
     */
    public static MetricsServer start(String host, int port, Supplier<String> scrape, BooleanSupplier live) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "arborist-agent-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, scrape.get()));
            server.createContext("/health/live", ex -> {
                boolean ok = live.getAsBoolean();
                respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "the control loop has stopped\n");
            });
            server.start();
            return new MetricsServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.equals(ex.getHttpContext().getPath())) { // contexts match by prefix; only the exact path exists
                status = 404;
                body = "not found\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
