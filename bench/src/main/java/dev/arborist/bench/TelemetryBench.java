package dev.arborist.bench;

import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Telemetry overhead as an A/B test in one process: two servers on the same model, one sending
 * request events and stats sketches to an in-process Kafka broker, one without telemetry. Blocks
 * of concurrency-8 load alternate between them (ABBA order, so a drift in machine speed hits both
 * arms alike); only one server is loaded at a time, the other idles. Reports the median tokens/s
 * and p99 of each arm and their ratio; the goal is under 2% overhead.
 *
 * <p>Usage: {@code bench/run telemetry [--model DIR] [--rounds 6] [--requests 6] [--tokens 32]
 * [--sample-every 8] [--stats-interval 10]} (seconds; short, so sketches are built during the run)
 */
public final class TelemetryBench {
    private static final int CONCURRENCY = 8;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int rounds = Integer.parseInt(Stats.arg(args, "--rounds", "6"));
        int perClient = Integer.parseInt(Stats.arg(args, "--requests", "6"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "32"));
        int sampleEvery = Integer.parseInt(Stats.arg(args, "--sample-every", String.valueOf(TelemetryConfig.DEFAULT_SAMPLE_EVERY)));
        Duration statsInterval = Duration.ofSeconds(Long.parseLong(Stats.arg(args, "--stats-interval", "10")));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            ServingConfig base = ServingConfig.of(dir).withPort(0).withLimits(32, 256, 1 << 20);
            TelemetryConfig telemetry = TelemetryConfig.of(kafka.bootstrapServers(), "bench").withStats(sampleEvery, statsInterval);
            ServingServer off = start(base);
            ServingServer on = start(base.withTelemetry(telemetry));
            try {
                System.out.printf("model %s, %d alternating rounds of %d clients x %d requests x %d tokens; telemetry on: request events and "
                        + "stats sketches (1 step in %d, every %s) to an in-process broker%n%n", dir, rounds, CONCURRENCY, perClient, tokens,
                        sampleEvery, statsInterval);
                compare(arm(off, dir, tokens), arm(on, dir, tokens), rounds, perClient);
                System.out.printf("%ntelemetry server counters: %s%n", telemetryCounters(on.port()));
            } finally {
                off.close().toCompletionStage().toCompletableFuture().get();
                on.close().toCompletionStage().toCompletableFuture().get();
            }
        }
    }

    private static ServingServer start(ServingConfig config) throws Exception {
        ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get();
        server.ready().toCompletionStage().toCompletableFuture().get();
        return server;
    }

    private static ServingLoad arm(ServingServer server, Path dir, int tokens) throws Exception {
        ServingLoad load = new ServingLoad(server.port(), dir.getFileName().toString(), ServingLoad.prompts(dir), tokens);
        load.fixed(4, 2); // warm-up
        return load;
    }

    private static void compare(ServingLoad off, ServingLoad on, int rounds, int perClient) throws Exception {
        System.out.println("| round | arm | tokens/s | p99 e2e s | failed |");
        System.out.println("|---|---|---|---|---|");
        double[] offTps = new double[rounds];
        double[] onTps = new double[rounds];
        double[] offP99 = new double[rounds];
        double[] onP99 = new double[rounds];
        double[] paired = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean offFirst = r % 4 == 0 || r % 4 == 3; // A B B A A B B A ...
            for (boolean telemetry : offFirst ? new boolean[] {false, true} : new boolean[] {true, false}) {
                ServingLoad.Summary s = ServingLoad.Summary.of((telemetry ? on : off).fixed(CONCURRENCY, perClient), on.tokens());
                (telemetry ? onTps : offTps)[r] = s.tokensPerSecond();
                (telemetry ? onP99 : offP99)[r] = s.p99();
                System.out.printf("| %d | telemetry %s | %.0f | %.2f | %d |%n", r + 1, telemetry ? "on" : "off", s.tokensPerSecond(), s.p99(), s.failures());
            }
            paired[r] = onTps[r] / offTps[r];
        }
        double ratio = Stats.median(onTps) / Stats.median(offTps);
        System.out.printf("%n| arm | median tokens/s | median p99 e2e s |%n|---|---|---|%n| telemetry off | %.0f | %.2f |%n| telemetry on | %.0f | %.2f |%n",
                Stats.median(offTps), Stats.median(offP99), Stats.median(onTps), Stats.median(onP99));
        System.out.printf("%non/off throughput: %.3f (overhead %.1f%%); median of per-round ratios %.3f; p99 on/off %.3f%n",
                ratio, 100 * (1 - ratio), Stats.median(paired), Stats.median(onP99) / Stats.median(offP99));
    }

    /** The telemetry lines of the server's /metrics: shows the events really went out. */
    private static String telemetryCounters(int port) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("arborist_telemetry_")).reduce((a, b) -> a + ", " + b).orElse("none");
    }
}
