package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as its own process, killed with SIGKILL mid-run and started again on the same store:
 * it resumes from its snapshot and the committed offsets, and the audit log shows every decision
 * exactly once (consecutive sequence numbers, none twice, none missing).
 */
@Timeout(600)
class AgentKillTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final String DEPLOYMENT = "demo";

    @TempDir
    Path dir;

    @Test
    @DisplayName("an agent killed mid-run and restarted publishes no decision twice and loses none")
    void killedAndRestarted() throws Exception {
        Path slo = Files.writeString(dir.resolve("slo.yaml"), "deployment: demo\ne2e_p95_seconds: 5\nquality_budget: 0.15\ncooldown_seconds: 6\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TelemetryConfig telemetry = TelemetryConfig.of(kafka.bootstrapServers(), DEPLOYMENT).withStats(2, Duration.ofSeconds(3));
            ServingServer serving = ServingServer.start(ServingConfig.of(MODEL).withPort(0).withTelemetry(telemetry))
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            serving.ready().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            URI server = URI.create("http://127.0.0.1:" + serving.port());
            List<String> agent = List.of("agent", "--kafka", kafka.bootstrapServers(), "--model", MODEL.toString(), "--store",
                    dir.resolve("store").toString(), "--deployment", DEPLOYMENT, "--config", slo.toString(), "--window", "3s",
                    "--metrics-port", "0", "--calib", MODEL.resolve("calib.txt").toString());
            try (TrafficGenerator traffic = new TrafficGenerator(server, "arborist-moe-6x8", PromptPool.from(MODEL.resolve("eval.txt")),
                    Scenario.STEADY, 1.0, 12, Duration.ofMinutes(6), 3, r -> { })) {
                traffic.start();
                Process first = CliProcess.start(agent, dir.resolve("agent-1.log"));
                awaitSwaps(server, 1, Duration.ofMinutes(3)); // its first plan is served
                Thread.sleep(8_000); // some windows of decisions after it
                first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no final snapshot

                Process second = CliProcess.start(agent, dir.resolve("agent-2.log"));
                Thread.sleep(25_000); // it resumes and keeps deciding
                second.destroy(); // a clean stop this time
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            List<Long> sequences = new ArrayList<>();
            for (Decision d : DecisionTally.read(kafka.bootstrapServers(), DEPLOYMENT)) {
                if ("agent".equals(d.replica()) && d.follows() == null) { // the agent's own decisions, not measured-effect follow-ups
                    sequences.add(d.sequence());
                }
            }
            assertThat(sequences).as("sequence numbers of the agent's decisions on arborist.decisions").isNotEmpty()
                    .doesNotHaveDuplicates()
                    .containsExactlyElementsOf(LongStream.rangeClosed(sequences.get(0), sequences.get(0) + sequences.size() - 1).boxed().toList());
            assertThat(Files.readString(dir.resolve("agent-2.log"))).as("the restarted agent's log").contains("resum");
            serving.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    private static void awaitSwaps(URI server, int swaps, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (PrometheusText.scrape(http, server.resolve("/metrics")).sum("arborist_swaps_total", Map.of("result", "ok")).orElse(0) >= swaps) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("serving made no " + swaps + " swap(s) within " + timeout);
    }
}
