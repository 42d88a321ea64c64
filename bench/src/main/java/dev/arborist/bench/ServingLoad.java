package dev.arborist.bench;

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
import java.util.function.BooleanSupplier;

/**
 * Closed-loop load on one serving port: each client sends a non-streaming completion of a fixed
 * number of tokens ({@code ignore_eos}), waits for the answer, and sends the next. Every call is
 * kept with its start and end, so a harness can cut the timeline into periods (before and during
 * swaps) as well as summarise a whole run.
 */
final class ServingLoad {
    /** One request as its client saw it; ok means status 200. */
    record Call(long startNanos, long endNanos, boolean ok) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    /** A set of calls summarised: throughput counts the tokens of successful calls only. */
    record Summary(int requests, int failures, double seconds, double requestsPerSecond, double tokensPerSecond, double p50, double p99) {
        static Summary of(List<Call> calls, int tokensEach) {
            List<Double> latencies = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            int failures = 0;
            for (Call c : calls) {
                latencies.add(c.seconds());
                first = Math.min(first, c.startNanos());
                last = Math.max(last, c.endNanos());
                failures += c.ok() ? 0 : 1;
            }
            Collections.sort(latencies);
            int n = latencies.size();
            double seconds = n == 0 ? 0 : (last - first) / 1e9;
            return new Summary(n, failures, seconds, n / seconds, (n - failures) * (double) tokensEach / seconds,
                    percentile(latencies, 0.50), percentile(latencies, 0.99));
        }

        /** Nearest rank: the smallest value with at least {@code q} of the values at or below it. */
        private static double percentile(List<Double> sorted, double q) {
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI completions;
    private final String model;
    private final List<String> prompts;
    private final int tokens;

    /** @param tokens generated tokens per request */
    ServingLoad(int port, String model, List<String> prompts, int tokens) {
        this.completions = URI.create("http://127.0.0.1:" + port + "/v1/completions");
        this.model = model;
        this.prompts = prompts;
        this.tokens = tokens;
    }

    /** Prompts from a model directory's {@code eval.txt}: lines of 20-120 characters, as JSON-safe text. */
    static List<String> prompts(Path modelDir) throws Exception {
        return Files.readAllLines(modelDir.resolve("eval.txt")).stream().filter(l -> l.length() > 20 && l.length() < 120)
                .map(l -> l.replace("\\", "").replace("\"", "'")).limit(200).toList();
    }

    int tokens() {
        return tokens;
    }

    /** {@code clients} clients, each sending {@code perClient} requests one after another. */
    List<Call> fixed(int clients, int perClient) throws Exception {
        return run(clients, (client, sent) -> sent < perClient);
    }

    /** {@code clients} clients sending one request after another while {@code going} says so; returns once all are back. */
    List<Call> until(int clients, BooleanSupplier going) throws Exception {
        return run(clients, (client, sent) -> going.getAsBoolean());
    }

    /** Whether a client sends another request, given how many it has sent. */
    private interface Continue {
        boolean next(int client, int sent);
    }

    private List<Call> run(int clients, Continue more) throws Exception {
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int sent = 0; more.next(client, sent); sent++) {
                        calls.add(call(prompts.get((client * 31 + sent) % prompts.size())));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new ArrayList<>(calls);
    }

    private Call call(String prompt) {
        String body = "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + tokens + ",\"ignore_eos\":true}";
        HttpRequest request = HttpRequest.newBuilder(completions).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        boolean ok;
        try {
            ok = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (java.io.IOException e) { // a refused or broken connection is a failed request, not a harness error
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        return new Call(start, System.nanoTime(), ok);
    }
}
