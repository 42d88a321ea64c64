package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;
import java.time.Duration;
import java.util.Random;

/**
 * When each request of a run is offered and what it asks, as a function of the seed alone: a
 * Poisson process whose rate follows the scenario, modulated by bursts (a two-state
 * Markov-modulated Poisson process). Everything is drawn in the schedule's own time, never the
 * wall clock's, so runs with one seed (the agent's and its baselines') offer the same requests at
 * the same offsets, bursts included, however fast the server answers. Not thread-safe.
 */
final class ArrivalSchedule {
    /** Offered rate while bursting, relative to the scenario's. */
    static final double BURST_FACTOR = 1.6;
    /** Chance per second of entering / leaving a burst: bursts of ~3 s about every 15 s. */
    static final double BURST_START = 1.0 / 15;
    static final double BURST_END = 1.0 / 3;

    /** One request to offer. @param offeredRate the rate in force when it arrives (bursts included), requests/s */
    record Arrival(double atSeconds, double offeredRate, Domain domain, String prompt) {
    }

    private final PromptPool prompts;
    private final Traffic traffic;
    private final double baseRate;
    private final double seconds;
    // one stream per kind of draw, so a scenario that draws more or fewer domains cannot move the bursts
    private final Random bursts;
    private final Random gaps;
    private final Random content;
    private boolean bursting;
    private double nextBurstCheck;
    private double at;

    ArrivalSchedule(PromptPool prompts, Traffic traffic, double baseRate, Duration duration, long seed) {
        if (!(baseRate > 0)) {
            throw new IllegalArgumentException("base rate must be positive, got " + baseRate);
        }
        this.prompts = prompts;
        this.traffic = traffic;
        this.baseRate = baseRate;
        this.seconds = duration.toNanos() / 1e9;
        Random seeds = new Random(seed);
        this.bursts = new Random(seeds.nextLong());
        this.gaps = new Random(seeds.nextLong());
        this.content = new Random(seeds.nextLong());
    }

    /** The next request, or null once the run's duration has passed. */
    Arrival next() {
        if (at >= seconds) {
            return null;
        }
        while (nextBurstCheck <= at) {
            bursting = bursts.nextDouble() < (bursting ? 1 - BURST_END : BURST_START);
            nextBurstCheck += 1;
        }
        double progress = at / seconds;
        double rate = baseRate * traffic.loadMultiplier(progress) * (bursting ? BURST_FACTOR : 1.0);
        Domain domain = traffic.domain(progress, content.nextDouble());
        Arrival arrival = new Arrival(at, rate, domain, prompts.draw(domain, content));
        at += -Math.log(1 - gaps.nextDouble()) / rate; // exponential gaps: Poisson arrivals
        return arrival;
    }
}
