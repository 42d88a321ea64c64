package dev.arborist.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup}: discovery of core/v1 Secrets, and
 * Secrets that exist (added by a test) or do not (404). helm-java's {@code template} runs lookups against
 * the cluster in KUBECONFIG; surefire points KUBECONFIG at the file this class writes, so the tests never
 * reach a real cluster and can play an upgrade (the Secret already exists) as well as an install.
 */
final class FakeKubeApi {
    private static FakeKubeApi instance;

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private FakeKubeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // The dispatcher thread inherits daemon status from the thread that starts it: a daemon, so that the
        // test JVM can exit without anyone stopping the server.
        Thread starter = new Thread(server::start, "fake-kube-api-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the fake API server", e);
        }
    }

    /** Starts the server once per test JVM and writes the kubeconfig surefire's KUBECONFIG names. */
    static synchronized FakeKubeApi start() {
        if (instance == null) {
            try {
                instance = new FakeKubeApi();
                instance.writeKubeconfig(Path.of(System.getenv().getOrDefault("KUBECONFIG", "target/fake-kube/config")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Makes Secret {@code name} exist in {@code namespace} with one data entry. */
    void putSecret(String namespace, String name, String key, String base64Value) {
        secrets.put(namespace + "/" + name, """
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "%s", "namespace": "%s"}, "type": "Opaque", "data": {"%s": "%s"}}"""
                .formatted(name, namespace, key, base64Value));
    }

    void clear() {
        secrets.clear();
        requests.clear();
    }

    /** Paths requested since the last {@link #clear()}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: fake
                    context:
                      cluster: fake
                      user: fake
                current-context: fake
                users:
                  - name: fake
                    user:
                      token: not-a-real-token
                """.formatted(server.getAddress().getPort()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        String[] parts = path.split("/");
        if (path.equals("/api")) {
            reply(exchange, 200, "{\"kind\": \"APIVersions\", \"versions\": [\"v1\"], \"serverAddressByClientCIDRs\": []}");
        } else if (path.equals("/apis")) {
            reply(exchange, 200, "{\"kind\": \"APIGroupList\", \"apiVersion\": \"v1\", \"groups\": []}");
        } else if (path.equals("/api/v1")) {
            reply(exchange, 200, """
                    {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                      {"name": "secrets", "singularName": "secret", "namespaced": true, "kind": "Secret", "verbs": ["get", "list"]}]}""");
        } else if (parts.length == 7 && path.startsWith("/api/v1/namespaces/") && parts[5].equals("secrets")
                && secrets.containsKey(parts[4] + "/" + parts[6])) {
            reply(exchange, 200, secrets.get(parts[4] + "/" + parts[6]));
        } else {
            reply(exchange, 404, """
                    {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "%s not found"}"""
                    .formatted(path));
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
