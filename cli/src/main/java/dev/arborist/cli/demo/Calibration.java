package dev.arborist.cli.demo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Measures, on this machine and before the agent changes anything, what the dense model can do:
 * its capacity in requests per second (closed loop at the batch size) and its p95 latency at a
 * given open-loop rate. The demo derives its load and SLO from these, so a load step overloads
 * dense on any machine.
 */
final class Calibration {
    private static final int CLOSED_LOOP_CLIENTS = 8;
    private static final Duration CAPACITY_PROBE = Duration.ofSeconds(12);
    private static final int P95_WINDOWS = 3;
    /** Requests a p95 is taken over, at least: fewer make it the maximum of a handful. */
    private static final int P95_REQUESTS = 40;
    /** The p95 probe lasts at least this long, so it sees a burst or two (about one every 15 s) as the scenario will. */
    private static final Duration P95_PROBE = Duration.ofSeconds(30);

    private final URI server;
    private final String model;
    private final PromptPool prompts;
    private final Scenario mix;
    private final int maxTokens;
    private final long seed;
    private final Consumer<String> status;

    /** @param mix the scenario to be run: calibration offers its prompt mix as it starts (at base load, bursts included) */
    Calibration(URI server, String model, PromptPool prompts, Scenario mix, int maxTokens, long seed, Consumer<String> status) {
        this.server = server;
        this.model = model;
        this.prompts = prompts;
        this.mix = mix;
        this.maxTokens = maxTokens;
        this.seed = seed;
        this.status = status;
    }

    /** Completed requests per second with {@value #CLOSED_LOOP_CLIENTS} clients sending back to back. */
    double denseCapacity() throws InterruptedException {
        status.accept("calibrating: dense capacity with " + CLOSED_LOOP_CLIENTS + " closed-loop clients for " + CAPACITY_PROBE.toSeconds() + " s");
        double rate = ClosedLoop.requestsPerSecond(server, model, prompts, mix, maxTokens, seed, CLOSED_LOOP_CLIENTS, CAPACITY_PROBE);
        status.accept(String.format("calibrating: dense capacity %.2f req/s", rate));
        return rate;
    }

    /**
     * The p95 end-to-end latency of dense at {@code rate} requests per second (open loop, a few windows), as windows are
     * judged: the median over the probe's windows of each window's p95. The p95 of the whole probe is set by its worst
     * few requests, so a burst more or less in 30 s moves it.
     */
    double p95At(double rate, Duration window) throws InterruptedException {
        Duration length = window.multipliedBy(P95_WINDOWS);
        Duration enough = Duration.ofMillis((long) Math.ceil(P95_REQUESTS / rate * 1000));
        length = length.compareTo(enough) >= 0 ? length : enough;
        length = length.compareTo(P95_PROBE) >= 0 ? length : P95_PROBE;
        status.accept(String.format("calibrating: dense p95 at %.2f req/s for %d s", rate, length.toSeconds()));
        ConcurrentLinkedQueue<TrafficGenerator.Result> done = new ConcurrentLinkedQueue<>();
        TrafficGenerator generator = new TrafficGenerator(server, model, prompts, mix.opening(), rate, maxTokens, length, seed + 1, done::add);
        generator.start();
        generator.awaitEnd();
        while (generator.inFlight() > 0) {
            Thread.sleep(100);
        }
        List<TrafficGenerator.Result> ok = done.stream().filter(TrafficGenerator.Result::ok).toList();
        if (ok.isEmpty()) {
            throw new IllegalStateException("no request succeeded while calibrating at " + rate + " req/s");
        }
        List<Double> windows = windowP95s(ok, window.toMillis() / 1000.0);
        double p95 = Quantiles.median(windows);
        status.accept(String.format("calibrating: dense p95 %.2f s (median of the %d-s windows' %s; %.2f s over the whole probe)", p95,
                window.toSeconds(), windows.stream().map(v -> String.format("%.2f", v)).toList(),
                Quantiles.p95(ok.stream().map(TrafficGenerator.Result::e2eSeconds).toList())));
        return p95;
    }

    /** The p95 latency of each window the results finished in, in time order; windows without any are left out. */
    static List<Double> windowP95s(List<TrafficGenerator.Result> results, double windowSeconds) {
        Map<Long, List<Double>> byWindow = new TreeMap<>();
        for (TrafficGenerator.Result r : results) {
            long window = (long) Math.floor((r.sentAtSeconds() + r.e2eSeconds()) / windowSeconds);
            byWindow.computeIfAbsent(window, w -> new ArrayList<>()).add(r.e2eSeconds());
        }
        return byWindow.values().stream().map(Quantiles::p95).toList();
    }
}
