package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Open-loop client traffic over real HTTP: requests are sent as their {@link ArrivalSchedule} says,
 * whatever the server's speed — so an overloaded server shows queueing, as it would in production,
 * and runs with one seed offer the same load.
 */
public final class TrafficGenerator implements AutoCloseable {
    /** One finished (or failed) request. @param status HTTP status, 0 when the connection failed */
    public record Result(double sentAtSeconds, double e2eSeconds, int status, Domain domain) {
        public boolean ok() {
            return status == 200;
        }
    }

    private final CompletionRequests requests;
    private final ArrivalSchedule schedule;
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
        this.schedule = new ArrivalSchedule(prompts, traffic, baseRate, duration, seed);
        this.results = results;
        this.arrivals = new Thread(this::run, "arborist-demo-traffic");
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

    private void run() {
        long start = System.nanoTime();
        for (ArrivalSchedule.Arrival next = schedule.next(); next != null && !stopped.get(); next = schedule.next()) {
            sleepUntil(start + (long) (next.atSeconds() * 1e9));
            offeredRate = next.offeredRate();
            send(next, (System.nanoTime() - start) / 1e9);
        }
        offeredRate = 0;
    }

    /** @param sentAt seconds since the run began: the schedule's time, give or take a sleep's overshoot */
    private void send(ArrivalSchedule.Arrival arrival, double sentAt) {
        HttpRequest request = requests.of(arrival.prompt(), arrival.domain().sloClass());
        long began = System.nanoTime();
        inFlight.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            results.accept(new Result(sentAt, (System.nanoTime() - began) / 1e9,
                    error == null ? response.statusCode() : 0, arrival.domain()));
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
