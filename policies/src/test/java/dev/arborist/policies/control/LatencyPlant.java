package dev.arborist.policies.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * A toy deployment for driving the controller: p95 end-to-end latency grows linearly with offered
 * load and shrinks with the rung's true speed-up, times seeded Gaussian noise. The true speed-ups
 * may differ from what the ladder claims, which is how a test makes a move backfire.
 */
final class LatencyPlant {
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final double p95AtReferenceLoad;
    private final double referenceRate;
    private final double[] trueSpeedup;
    private final double noise;
    private final Random random;

    /**
     * @param p95AtReferenceLoad dense p95 (s) at {@code referenceRate} requests per second
     * @param noise standard deviation of the multiplicative noise
     */
    LatencyPlant(double p95AtReferenceLoad, double referenceRate, double[] trueSpeedup, double noise, long seed) {
        this.p95AtReferenceLoad = p95AtReferenceLoad;
        this.referenceRate = referenceRate;
        this.trueSpeedup = trueSpeedup.clone();
        this.noise = noise;
        this.random = new Random(seed);
    }

    /** A plant whose rungs are exactly as fast as the ladder says. */
    static LatencyPlant honest(List<Rung> ladder, double noise, long seed) {
        return new LatencyPlant(0.5, 10, ladder.stream().mapToDouble(Rung::decodeSpeedup).toArray(), noise, seed);
    }

    /** The noise-free p95 at a load and rung. */
    double meanP95(double requestRate, int rung) {
        return p95AtReferenceLoad * requestRate / referenceRate / trueSpeedup[rung];
    }

    WindowSummary window(Instant start, double requestRate, int rung) {
        double p95 = meanP95(requestRate, rung) * Math.max(0.05, 1 + noise * random.nextGaussian());
        long requests = Math.round(requestRate * WINDOW.toSeconds());
        return new WindowSummary(start, start.plus(WINDOW), requests, null, null, p95, requests * 40.0 / WINDOW.toSeconds(), rung);
    }
}
