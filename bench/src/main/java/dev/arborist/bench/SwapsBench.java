package dev.arborist.bench;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hot swaps under load: concurrency-8 closed-loop load runs for a steady period, then
 * {@code POST /admin/plan} swaps between two plan artifacts, one every few seconds, while the load
 * goes on. Reports each swap's duration (as the admin client saw it, and the server's
 * {@code arborist_swap_duration_seconds}), p50/p99 latency of the requests that overlapped the swap
 * period against those of the steady period before it, and failed requests. Goals: zero failures,
 * p99 within 1.2x.
 *
 * <p>Usage: {@code bench/run swaps [--model DIR] [--plans DIR_A,DIR_B] [--swaps 10] [--steady 20]
 * [--swap-every 2] [--tokens 32]} (seconds). Without {@code --plans} it builds two magnitude plans
 * (30% and 50%) of the model in a temp folder.
 */
public final class SwapsBench {
    private static final int CONCURRENCY = 8;
    private static final double WARM_UP_SECONDS = 3;

    private record Swap(Path plan, String planId, double clientSeconds, double serverSeconds, int status) {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int swaps = Integer.parseInt(Stats.arg(args, "--swaps", "10"));
        double steady = Double.parseDouble(Stats.arg(args, "--steady", "20"));
        double swapEvery = Double.parseDouble(Stats.arg(args, "--swap-every", "2"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "32"));
        String given = Stats.arg(args, "--plans", null);
        List<Path> plans = given == null ? buildPlans(dir) : List.of(given.split(",")).stream().map(Path::of).toList();
        String token = UUID.randomUUID().toString();
        ServingServer server = ServingServer.start(ServingConfig.of(dir).withPort(0).withLimits(CONCURRENCY, 256, 1 << 20).withAdminToken(token))
                .toCompletionStage().toCompletableFuture().get();
        try {
            server.ready().toCompletionStage().toCompletableFuture().get();
            Admin admin = new Admin(server.port(), token);
            ServingLoad load = new ServingLoad(server.port(), dir.getFileName().toString(), ServingLoad.prompts(dir), tokens);
            load.fixed(4, 2); // warm-up
            System.out.printf("model %s, %d clients x %d tokens, %.0f s steady, then %d swaps every %.1f s between %s%n%n",
                    dir, CONCURRENCY, tokens, steady, swaps, swapEvery, plans);

            AtomicBoolean going = new AtomicBoolean(true);
            long loadStart = System.nanoTime();
            CompletableFuture<List<ServingLoad.Call>> calls = CompletableFuture.supplyAsync(() -> runLoad(load, going));
            try {
                Thread.sleep((long) (steady * 1000));
                long swapsStart = System.nanoTime();
                List<Swap> done = swapEvery(admin, plans, swaps, swapEvery);
                long swapsEnd = System.nanoTime();
                Thread.sleep((long) (swapEvery * 1000)); // the load goes on a little after the last swap
                going.set(false);
                report(done, calls.get(), loadStart + (long) (WARM_UP_SECONDS * 1e9), swapsStart, swapsEnd, tokens);
            } finally {
                going.set(false); // a failed swap must not leave the clients running
            }
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** {@code count} swaps, alternating between the plans, one each {@code everySeconds} from now. */
    private static List<Swap> swapEvery(Admin admin, List<Path> plans, int count, double everySeconds) throws Exception {
        long start = System.nanoTime();
        List<Swap> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long slot = start + (long) (i * everySeconds * 1e9);
            Thread.sleep(Math.max(0, (slot - System.nanoTime()) / 1_000_000));
            done.add(admin.swap(plans.get(i % plans.size())));
        }
        return done;
    }

    private static List<ServingLoad.Call> runLoad(ServingLoad load, AtomicBoolean going) {
        try {
            return load.until(CONCURRENCY, going::get);
        } catch (Exception e) {
            throw new IllegalStateException("the load failed", e);
        }
    }

    private static void report(List<Swap> swaps, List<ServingLoad.Call> calls, long steadyFrom, long swapsStart, long swapsEnd, int tokens) {
        System.out.println("| swap | plan | status | client s | server s |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 0; i < swaps.size(); i++) {
            Swap s = swaps.get(i);
            String id = s.planId().length() > 12 ? s.planId().substring(0, 12) : s.planId();
            System.out.printf("| %d | %s (%s) | %d | %.3f | %.3f |%n", i + 1, s.plan().getFileName(), id, s.status(), s.clientSeconds(), s.serverSeconds());
        }
        List<ServingLoad.Call> before = calls.stream().filter(c -> c.startNanos() >= steadyFrom && c.endNanos() <= swapsStart).toList();
        List<ServingLoad.Call> during = calls.stream().filter(c -> c.endNanos() > swapsStart && c.startNanos() < swapsEnd).toList();
        ServingLoad.Summary b = ServingLoad.Summary.of(before, tokens);
        ServingLoad.Summary d = ServingLoad.Summary.of(during, tokens);
        System.out.printf("%n| period | requests | tokens/s | p50 e2e s | p99 e2e s | failed |%n|---|---|---|---|---|---|%n");
        System.out.printf("| steady, before the swaps | %d | %.0f | %.2f | %.2f | %d |%n", b.requests(), b.tokensPerSecond(), b.p50(), b.p99(), b.failures());
        System.out.printf("| overlapping the swaps | %d | %.0f | %.2f | %.2f | %d |%n", d.requests(), d.tokensPerSecond(), d.p50(), d.p99(), d.failures());
        long failed = calls.stream().filter(c -> !c.ok()).count();
        double[] durations = swaps.stream().mapToDouble(Swap::serverSeconds).toArray();
        System.out.printf("%nswap duration (server) median %.3f s, max %.3f s; p99 during/before %.2fx (goal <= 1.2x); "
                + "failed requests over the whole run: %d of %d (goal 0); swaps not answered 200: %d%n",
                Stats.median(durations), java.util.Arrays.stream(durations).max().orElse(Double.NaN), d.p99() / b.p99(), failed, calls.size(),
                swaps.stream().filter(s -> s.status() != 200).count());
    }

    /** Two magnitude plans (30% and 50% of the weights) of the model, as artifacts in a temp folder. */
    private static List<Path> buildPlans(Path dir) throws Exception {
        Path out = Files.createTempDirectory("arborist-swaps-");
        List<Path> plans = new ArrayList<>();
        try (LanguageModel base = LanguageModel.load(dir)) {
            int[] tokens = new SplittableRandom(1).ints(256, 3, base.config().vocabSize()).toArray(); // magnitude reads no activations
            for (double sparsity : new double[] {0.3, 0.5}) {
                Path plan = out.resolve("magnitude-" + (int) (sparsity * 100));
                PlanArtifact.write(plan, PruningMethods.create("magnitude").plan(new PruningTarget(base, sparsity, Map.of()),
                        CalibrationSet.fromTokens(tokens, 2, 64), PruningProgress.NONE), base, null, Map.of());
                plans.add(plan);
            }
        }
        return plans;
    }

    /** The admin API: swaps and the server's own swap timer. */
    private record Admin(int port, String token) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        Swap swap(Path plan) throws Exception {
            double before = swapSecondsSum();
            long start = System.nanoTime();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/admin/plan")).header("Authorization", "Bearer " + token)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + plan.toAbsolutePath() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            double client = (System.nanoTime() - start) / 1e9;
            String planId = r.statusCode() == 200 ? new io.vertx.core.json.JsonObject(r.body()).getString("plan_id") : r.body();
            return new Swap(plan, planId, client, swapSecondsSum() - before, r.statusCode());
        }

        /** {@code arborist_swap_duration_seconds_sum} from /metrics: its change over one swap is that swap's server-side time. */
        private double swapSecondsSum() throws Exception {
            String text = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith("arborist_swap_duration_seconds_sum ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no arborist_swap_duration_seconds_sum in /metrics"));
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }
    }
}
