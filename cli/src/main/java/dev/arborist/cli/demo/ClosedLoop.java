package dev.arborist.cli.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Clients that each send their next request as soon as the previous one answers: the server's capacity at that concurrency. */
final class ClosedLoop {
    private final CompletionRequests requests;
    private final PromptPool prompts;
    private final long seed;

    ClosedLoop(URI server, String model, PromptPool prompts, int maxTokens, long seed) {
        this.requests = new CompletionRequests(server, model, maxTokens);
        this.prompts = prompts;
        this.seed = seed;
    }

    /** Successful requests per second over {@code duration} with {@code clients} clients. */
    double requestsPerSecond(int clients, Duration duration) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger ok = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        long began = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Random random = new Random(seed + c);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (send(http, random)) {
                        ok.incrementAndGet();
                    }
                }
            }, "arborist-demo-calibration-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return ok.get() / ((System.nanoTime() - began) / 1e9);
    }

    private boolean send(HttpClient http, Random random) {
        PromptPool.Domain domain = Scenario.STEADY.domain(0, random.nextDouble());
        try {
            HttpRequest request = requests.of(prompts.draw(domain, random), domain.sloClass());
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
