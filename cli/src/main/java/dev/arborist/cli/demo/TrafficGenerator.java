package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Open-loop client traffic over real HTTP: requests arrive as a Poisson process whose rate follows
 * the scenario, modulated by bursts (a two-state Markov-modulated Poisson process), whatever the
 * server's speed — so an overloaded server shows queueing, as it would in production.
 */
public final class TrafficGenerator implements AutoCloseable {
    /** One finished (or failed) request. @param status HTTP status, 0 when the connection failed */
    public record Result(double sentAtSeconds, double e2eSeconds, int status, Domain domain) {
        public boolean ok() {
            return status == 200;
        }
    }

    /** Offered rate while bursting, relative to the scenario's. */
    private static final double BURST_FACTOR = 1.6;
    /** Chance per second of entering / leaving a burst: bursts of ~3 s about every 15 s. */
    private static final double BURST_START = 1.0 / 15;
    private static final double BURST_END = 1.0 / 3;

    private final CompletionRequests requests;
    private final PromptPool prompts;
    private final Traffic traffic;
    private final double baseRate;
    private final Duration duration;
    private final Consumer<Result> results;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread arrivals;
    private volatile double offeredRate;

    /**
     * @param baseRate requests per second at load multiplier 1
     * @param results called from HTTP client threads as requests finish
     */
    public TrafficGenerator(URI server, String model, PromptPool prompts, Traffic traffic, double baseRate, int maxTokens,
            Duration duration, long seed, Consumer<Result> results) {
        this.requests = new CompletionRequests(server, model, maxTokens);
        this.prompts = prompts;
        this.traffic = traffic;
        this.baseRate = baseRate;
        this.duration = duration;
        this.results = results;
        this.arrivals = new Thread(() -> run(new Random(seed)), "arborist-demo-traffic");
        arrivals.setDaemon(true);
    }

    public void start() {
        arrivals.start();
    }

    /** Requests per second being offered right now (bursts included). */
    public double offeredRate() {
        return offeredRate;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until the scenario's duration has passed (or {@link #close} was called). */
    public void awaitEnd() throws InterruptedException {
        arrivals.join();
    }

    private void run(Random random) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        boolean burst = false;
        long nextSwitchCheck = start;
        long next = start;
        while (!stopped.get() && next < end) {
            sleepUntil(next);
            long now = System.nanoTime();
            if (now >= nextSwitchCheck) {
                burst = random.nextDouble() < (burst ? 1 - BURST_END : BURST_START);
                nextSwitchCheck = now + 1_000_000_000L;
            }
            double progress = (double) (now - start) / (end - start);
            double rate = baseRate * traffic.loadMultiplier(progress) * (burst ? BURST_FACTOR : 1.0);
            offeredRate = rate;
            send(traffic.domain(progress, random.nextDouble()), (now - start) / 1e9, random);
            next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9); // exponential gaps: Poisson arrivals
        }
        offeredRate = 0;
    }

    private void send(Domain domain, double sentAt, Random random) {
        HttpRequest request = requests.of(prompts.draw(domain, random), domain.sloClass());
        long began = System.nanoTime();
        inFlight.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            results.accept(new Result(sentAt, (System.nanoTime() - began) / 1e9, error == null ? response.statusCode() : 0, domain));
        });
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopped.set(true);
        arrivals.interrupt();
    }
}
