package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Node client (npm {@code openai}, pinned in src/test/node/package-lock.json), used
 * unchanged against the real server and the bundled model. Skipped only where node or npm is not on PATH.
 */
@ExtendWith(VertxExtension.class)
class OpenAiClientTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final Path NODE_DIR = Path.of("src/test/node");

    @TempDir
    Path logs;

    @Test
    @DisplayName("the official OpenAI Node client lists models, completes, streams chat with usage and raises APIError 404 for an unknown model")
    void officialClient(Vertx vertx) throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the official OpenAI client");
        installClient();
        ServingServer server = ServingServer.start(vertx, ServingConfig.of(MODEL).withPort(0), List.of())
                .compose(s -> s.ready().map(s)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        try {
            Result run = run(60, "node", "client-test.mjs", "http://127.0.0.1:" + server.port() + "/v1");
            assertThat(run.exit()).as(run.stderr()).isZero();
            JsonObject summary = new JsonObject(run.stdout().strip());
            assertThat(summary.getJsonArray("models").getList()).containsExactly("arborist-moe-6x8");
            assertThat(summary.getJsonObject("completion").getInteger("completionTokens")).isEqualTo(4);
            JsonObject stream = summary.getJsonObject("stream");
            assertThat(stream.getInteger("chunks")).isGreaterThan(1); // deltas plus the usage chunk
            assertThat(stream.getString("content")).isNotBlank();
            assertThat(stream.getString("finishReason")).isEqualTo("length");
            assertThat(stream.getInteger("completionTokens")).isEqualTo(6);
            assertThat(stream.getInteger("totalTokens")).isGreaterThan(6);
            JsonObject unknown = summary.getJsonObject("unknownModel");
            assertThat(unknown.getInteger("status")).isEqualTo(404);
            assertThat(unknown.getString("code")).isEqualTo("model_not_found");
            assertThat(unknown.getString("param")).isEqualTo("model");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code npm ci} only when node_modules does not already hold the locked client version. */
    private void installClient() throws Exception {
        String locked = new JsonObject(Files.readString(NODE_DIR.resolve("package-lock.json")))
                .getJsonObject("packages").getJsonObject("node_modules/openai").getString("version");
        Path installed = NODE_DIR.resolve("node_modules/openai/package.json");
        if (Files.exists(installed) && locked.equals(new JsonObject(Files.readString(installed)).getString("version"))) {
            return;
        }
        Result ci = run(300, "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund");
        assertThat(ci.exit()).as("npm ci: " + ci.stderr()).isZero();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    record Result(int exit, String stdout, String stderr) {}

    /** Runs a command in the Node folder; output goes through files so a chatty process cannot block on a full pipe. */
    private Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(logs, "out", ".txt");
        Path err = Files.createTempFile(logs, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(NODE_DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return new Result(-1, Files.readString(out), "timed out after " + timeoutSeconds + " s: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
