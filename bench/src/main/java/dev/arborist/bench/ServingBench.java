package dev.arborist.bench;

import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end serving over real HTTP on loopback: requests/s, tokens/s and p50/p99 latency at
 * concurrency 1, 8 and 32; telemetry to an embedded Kafka broker on vs off; and HTTP throughput
 * against the raw batched decode loop of the same model, all in one process run.
 *
 * <p>Usage: {@code bench/run serving [--model DIR] [--requests 8] [--tokens 32]}
 */
public final class ServingBench {
    private record Result(double requestsPerSecond, double tokensPerSecond, double p50, double p99, int failures) {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int perClient = Integer.parseInt(Stats.arg(args, "--requests", "8"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "32"));
        List<String> prompts = Files.readAllLines(dir.resolve("eval.txt")).stream().filter(l -> l.length() > 20 && l.length() < 120).limit(200).toList();
        System.out.printf("model %s, %d requests per client, %d tokens each (ignore_eos), loopback HTTP%n%n", dir, perClient, tokens);
        System.out.println("| setting | concurrency | requests/s | tokens/s | p50 e2e s | p99 e2e s | failed |");
        System.out.println("|---|---|---|---|---|---|---|");
        double http8 = 0;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (boolean telemetry : new boolean[] {false, true}) {
                ServingConfig config = ServingConfig.of(dir).withPort(0).withLimits(32, 256, 1 << 20);
                if (telemetry) {
                    config = config.withTelemetry(TelemetryConfig.of(kafka.bootstrapServers(), "bench"));
                }
                ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get();
                server.ready().toCompletionStage().toCompletableFuture().get();
                load(server.port(), prompts, 4, 2, tokens); // warm-up
                for (int c : telemetry ? new int[] {8} : new int[] {1, 8, 32}) {
                    Result r = load(server.port(), prompts, c, perClient, tokens);
                    if (c == 8 && !telemetry) {
                        http8 = r.tokensPerSecond();
                    }
                    System.out.printf("| telemetry %s | %d | %.2f | %.0f | %.2f | %.2f | %d |%n", telemetry ? "on" : "off", c,
                            r.requestsPerSecond(), r.tokensPerSecond(), r.p50(), r.p99(), r.failures());
                }
                server.close().toCompletionStage().toCompletableFuture().get();
            }
        }
        try (LanguageModel lm = LanguageModel.load(dir)) {
            DecodeThroughput raw = new DecodeThroughput(lm.transformer(), lm.manager());
            raw.decodeTokensPerSecond(8, 16, 8, 0);
            double loop = Stats.median(3, () -> raw.decodeTokensPerSecond(8, 16, tokens, 1));
            System.out.printf("%nraw batched decode loop, batch 8: %.0f tokens/s; HTTP at concurrency 8: %.0f tokens/s (%.0f%%, "
                    + "HTTP includes prefill and queueing)%n", loop, http8, 100 * http8 / loop);
        }
    }

    /** {@code clients} concurrent clients, each sending {@code perClient} requests one after another. */
    private static Result load(int port, List<String> prompts, int clients, int perClient, int tokens) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        int[] failures = new int[1];
        long began = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    String prompt = prompts.get((client * perClient + i) % prompts.size()).replace("\"", "'").replace("\\", "");
                    String body = "{\"model\":\"" + "arborist-moe-6x8" + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + tokens
                            + ",\"ignore_eos\":true}";
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            synchronized (failures) {
                                failures[0]++;
                            }
                        }
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures[0]++;
                        }
                    }
                    latencies.add((System.nanoTime() - t0) / 1e9);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        pool.shutdown();
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int n = sorted.size();
        return new Result(n / seconds, (double) n * tokens / seconds, sorted.get(n / 2), sorted.get(Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)),
                failures[0]);
    }
}
