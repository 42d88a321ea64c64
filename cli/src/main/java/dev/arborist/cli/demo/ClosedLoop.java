package dev.arborist.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Clients that each send their next completion request as soon as the previous one answered, until
 * closed: the server's capacity at that concurrency, or a steady background load. Every answer is
 * counted as served (200) or failed (any other status, or no answer), and the first few failures
 * are kept to say what went wrong.
 */
public final class ClosedLoop implements AutoCloseable {
    private static final int FAILURES_KEPT = 10;

    private final HttpClient http = HttpClient.newHttpClient();
    private final CompletionRequests requests;
    private final PromptPool prompts;
    private final Function<Random, PromptPool.Domain> domains;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean stopped;

    private ClosedLoop(URI server, String model, PromptPool prompts, Function<Random, PromptPool.Domain> domains, int maxTokens) {
        this.requests = new CompletionRequests(server, model, maxTokens);
        this.prompts = prompts;
        this.domains = domains;
    }

    /**
     * Starts {@code clients} clients, client c drawing prompts with seed {@code seed + c}.
     *
     * @param domain where every prompt comes from
     */
    public static ClosedLoop start(URI server, String model, PromptPool prompts, PromptPool.Domain domain, int maxTokens, int clients,
                                   long seed) {
        return start(server, model, prompts, random -> domain, maxTokens, clients, seed);
    }

    private static ClosedLoop start(URI server, String model, PromptPool prompts, Function<Random, PromptPool.Domain> domains, int maxTokens,
                                    int clients, long seed) {
        ClosedLoop loop = new ClosedLoop(server, model, prompts, domains, maxTokens);
        for (int c = 0; c < clients; c++) {
            Random random = new Random(seed + c);
            Thread t = new Thread(() -> loop.sendUntilStopped(random), "arborist-closed-loop-" + c);
            t.setDaemon(true);
            loop.clients.add(t);
            t.start();
        }
        return loop;
    }

    /**
     * Served requests per second with {@code clients} clients over {@code duration}: the capacity at that concurrency.
     *
     * @param mix the prompts come in the proportions {@code mix} starts with
     */
    static double requestsPerSecond(URI server, String model, PromptPool prompts, Scenario mix, int maxTokens, long seed, int clients,
                                    Duration duration) throws InterruptedException {
        long began = System.nanoTime();
        ClosedLoop loop = start(server, model, prompts, random -> mix.domain(0, random.nextDouble()), maxTokens, clients, seed);
        Thread.sleep(duration.toMillis());
        loop.close();
        return loop.served() / ((System.nanoTime() - began) / 1e9);
    }

    /** Requests answered with 200 so far. */
    public long served() {
        return served.get();
    }

    /** Requests answered otherwise, or not at all, so far. */
    public long failed() {
        return failed.get();
    }

    /** The first failures: status and body, or the exception. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    private void sendUntilStopped(Random random) {
        while (!stopped) {
            PromptPool.Domain domain = domains.apply(random);
            try {
                HttpResponse<String> response = http.send(requests.of(prompts.draw(domain, random), domain.sloClass()),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    served.incrementAndGet();
                } else {
                    fail(response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                fail(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fail(String why) {
        if (failed.incrementAndGet() <= FAILURES_KEPT) {
            failures.add(why);
        }
    }

    /** Stops sending and waits for the requests in flight to answer, so the counts are final. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread t : clients) {
            t.join(Duration.ofMinutes(2).toMillis());
        }
    }
}
