package dev.arborist.policies.control;

import java.time.Duration;
import java.time.Instant;

/**
 * What the agent measured for one deployment in one control window, merged across replicas.
 * A null quantile means the window had no data for it (e.g. no request produced two tokens).
 *
 * @param requests finished requests in the window
 * @param queueP95 p95 of the time requests waited for admission; null when unknown
 * @param tokensPerSecond generated tokens per second over the window
 * @param rung the rung the window's requests ran at
 */
public record WindowSummary(Instant start, Instant end, long requests, Double ttftP95, Double itlP95, Double e2eP95,
                            Double queueP95, double tokensPerSecond, int rung) {

    public WindowSummary {
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("a window needs a start before its end, got " + start + " .. " + end);
        }
        if (requests < 0) {
            throw new IllegalArgumentException("requests must be non-negative, got " + requests);
        }
        if (rung < 0) {
            throw new IllegalArgumentException("rung must be non-negative, got " + rung);
        }
        requireQuantile("ttft p95", ttftP95);
        requireQuantile("itl p95", itlP95);
        requireQuantile("e2e p95", e2eP95);
        requireQuantile("queue p95", queueP95);
    }

    /** A window whose queue wait is unknown. */
    public WindowSummary(Instant start, Instant end, long requests, Double ttftP95, Double itlP95, Double e2eP95,
                         double tokensPerSecond, int rung) {
        this(start, end, requests, ttftP95, itlP95, e2eP95, null, tokensPerSecond, rung);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    /** The load and latencies a verdict on a move compares. */
    public LatencySample sample() {
        return new LatencySample(requestRate(), ttftP95, itlP95, e2eP95, queueP95);
    }

    /** Offered load: finished requests per second. */
    public double requestRate() {
        return requests / (length().toNanos() / 1e9);
    }

    private static void requireQuantile(String name, Double value) {
        if (value != null && !(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a non-negative number or absent, got " + value);
        }
    }
}
