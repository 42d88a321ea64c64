package dev.arborist.bench;

import dev.arborist.cli.DurationConverter;
import dev.arborist.model.io.FileTrees;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.structured.ExpertSkipping;
import dev.arborist.policies.structured.FfnChannelPruning;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Soak: closed-loop load against a real server on the bundled model for many minutes, with a hot
 * swap every {@code --swap-every} that alternates between two plan artifacts built at start
 * (ffn-channels 25% and expert-skip 25%, each swap loading and materialising its plan afresh).
 * Every {@code --sample-every} it records requests, 5xx, failures, p50/p99 of that interval,
 * heap after GC, resident memory (/proc/self/status VmRSS, native memory included) and swaps
 * done. Prints the table, writes {@code soak-<date>.md} and a PNG of RSS and p99 over time to
 * {@code --out}, and ends with a verdict against the bounds of {@link SoakReport}.
 *
 * <p>Usage: {@code bench/run soak [--model DIR] [--minutes 10] [--swap-every 30s] [--concurrency 8]
 * [--tokens 32] [--sample-every 10s] [--out bench/results]}. {@code bench/run} gives the soak a
 * fixed, pre-touched heap, so that RSS growth is growth outside the heap. Exit code 1 on FAIL.
 */
public final class SoakBench {
    private static final double SPARSITY = 0.25;
    private static final int CALIBRATION_WINDOWS = 16;
    private static final int CALIBRATION_LENGTH = 128;

    /** One sample of the server's process and counters, taken {@code seconds} after the load started. */
    private record Sample(double seconds, long rssBytes, long heapAfterGcBytes, long heapCommittedBytes, int swaps, long server5xx) {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        double minutes = Double.parseDouble(Stats.arg(args, "--minutes", "10"));
        double swapEvery = seconds(Stats.arg(args, "--swap-every", "30s"));
        double sampleEvery = seconds(Stats.arg(args, "--sample-every", "10s"));
        int concurrency = Integer.parseInt(Stats.arg(args, "--concurrency", "8"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "32"));
        Path out = Path.of(Stats.arg(args, "--out", "bench/results"));

        Path planDir = Files.createTempDirectory("arborist-soak-");
        List<Path> plans = buildPlans(model, planDir);
        String token = UUID.randomUUID().toString();
        ServingConfig config = ServingConfig.of(model).withPort(0).withLimits(concurrency, 256, 1 << 20).withAdminToken(token);
        ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get(); // its HTTP meters in /metrics
        List<SoakReport.Row> rows;
        try {
            server.ready().toCompletionStage().toCompletableFuture().get();
            ServingLoad load = new ServingLoad(server.port(), model.getFileName().toString(), ServingLoad.prompts(model), tokens);
            load.fixed(4, 2); // warm-up
            System.out.printf("soak: %s, %.1f min, %d clients x %d tokens, a swap every %.0f s between %s, a sample every %.0f s%n%n",
                    model, minutes, concurrency, tokens, swapEvery, plans.stream().map(Path::getFileName).toList(), sampleEvery);
            rows = soak(load, new Admin(server.port(), token), plans, concurrency, minutes * 60, swapEvery, sampleEvery);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get();
            FileTrees.delete(planDir);
        }
        boolean[] passed = {false};
        String verdict = SoakReport.verdict(rows, sampleEvery, passed);
        System.out.println(SoakReport.table(rows));
        System.out.print(verdict);
        String name = "soak-" + LocalDate.now();
        SoakReport.write(out, name, new SoakReport.Setup(model.toString(), minutes, swapEvery, concurrency, tokens,
                plans.stream().map(p -> p.getFileName().toString()).toList()), rows, verdict);
        System.out.println("wrote " + out.resolve(name + ".md") + " and " + out.resolve(name + ".png"));
        System.exit(passed[0] ? 0 : 1);
    }

    /** Runs the load for {@code seconds} while one thread swaps and another samples; returns one row per sample. */
    private static List<SoakReport.Row> soak(ServingLoad load, Admin admin, List<Path> plans, int concurrency, double seconds,
            double swapEvery, double sampleEvery) throws Exception {
        AtomicBoolean going = new AtomicBoolean(true);
        AtomicInteger swaps = new AtomicInteger();
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        CompletableFuture<List<ServingLoad.Call>> calls = CompletableFuture.supplyAsync(() -> {
            try {
                return load.until(concurrency, going::get);
            } catch (Exception e) {
                throw new IllegalStateException("the load failed", e);
            }
        });
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        try {
            timers.scheduleAtFixedRate(() -> swap(admin, plans.get(swaps.get() % plans.size()), swaps), millis(swapEvery), millis(swapEvery),
                    TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(() -> samples.add(sample(admin, start, swaps.get())), millis(sampleEvery), millis(sampleEvery),
                    TimeUnit.MILLISECONDS);
            Thread.sleep(millis(seconds) + 200); // the last sample lands at the end of the run
        } finally {
            timers.shutdownNow();
            timers.awaitTermination(1, TimeUnit.MINUTES);
            going.set(false);
        }
        return rows(new ArrayList<>(samples), calls.get(), start);
    }

    private static void swap(Admin admin, Path plan, AtomicInteger swaps) {
        int status = admin.load(plan);
        if (status == 200) {
            swaps.incrementAndGet();
        } else {
            System.out.printf("swap to %s answered %d%n", plan.getFileName(), status);
        }
    }

    private static Sample sample(Admin admin, long start, int swaps) {
        Sample s = new Sample((System.nanoTime() - start) / 1e9, ProcessMemory.rssBytes(), ProcessMemory.heapAfterGcBytes(),
                ProcessMemory.heapCommittedBytes(), swaps, admin.server5xx());
        System.out.printf("t %4.0f s  RSS %5.0f MiB  heap after GC %4.0f MiB  swaps %3d  5xx %d%n", s.seconds(), s.rssBytes() / 1048576.0,
                s.heapAfterGcBytes() / 1048576.0, s.swaps(), s.server5xx());
        return s;
    }

    /** Joins each sample with the requests that ended in its interval. */
    private static List<SoakReport.Row> rows(List<Sample> samples, List<ServingLoad.Call> calls, long start) {
        List<SoakReport.Row> rows = new ArrayList<>();
        double from = 0;
        long server5xx = 0;
        for (Sample s : samples) {
            double lo = from;
            List<ServingLoad.Call> in = calls.stream().filter(c -> {
                double end = (c.endNanos() - start) / 1e9;
                return end > lo && end <= s.seconds();
            }).toList();
            ServingLoad.Summary summary = ServingLoad.Summary.of(in, 0);
            rows.add(new SoakReport.Row(s.seconds(), in.size(), summary.failures(), summary.p50(), summary.p99(), s.server5xx() - server5xx,
                    s.rssBytes(), s.heapAfterGcBytes(), s.heapCommittedBytes(), s.swaps()));
            from = s.seconds();
            server5xx = s.server5xx();
        }
        return rows;
    }

    /** Two plans of the model with calibration from its calib.txt: ffn-channels and expert-skip, both at {@value #SPARSITY}. */
    private static List<Path> buildPlans(Path model, Path out) throws Exception {
        List<Path> plans = new ArrayList<>();
        try (LanguageModel base = LanguageModel.load(model); HfTokenizer tokenizer = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(model.resolve("calib.txt"), tokenizer),
                    CALIBRATION_WINDOWS, CALIBRATION_LENGTH);
            for (String method : List.of(FfnChannelPruning.NAME, ExpertSkipping.NAME)) {
                Path plan = out.resolve(method + "-" + Math.round(100 * SPARSITY));
                PlanArtifact.write(plan, PruningMethods.create(method).plan(new PruningTarget(base, SPARSITY, Map.of()), calibration,
                        PruningProgress.NONE), base, null, Map.of());
                plans.add(plan);
            }
        }
        return plans;
    }

    /** A duration as the CLI takes it (30s, 2m, 500ms), in seconds. */
    static double seconds(String text) {
        return DurationConverter.parse(text).toMillis() / 1000.0;
    }


    private static long millis(double seconds) {
        return Math.round(seconds * 1000);
    }

    /** The admin API and /metrics of the server under test. */
    private record Admin(int port, String token) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        /** Loads and switches to the plan at {@code plan}; returns the HTTP status (-1 if the call failed). */
        int load(Path plan) {
            try {
                return HTTP.send(HttpRequest.newBuilder(uri("/admin/plan")).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + plan.toAbsolutePath() + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        /** 5xx answers so far, from the server's own HTTP meters ({@code vertx_http_server_requests_total{code="5.."}}). */
        long server5xx() {
            try {
                String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                return metrics.lines().filter(l -> l.startsWith("vertx_http_server_requests_total{") && l.matches(".*code=\"5\\d\\d\".*"))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            } catch (Exception e) {
                throw new IllegalStateException("cannot scrape /metrics", e);
            }
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }
    }
}
