package dev.arborist.policies.control;

/**
 * Load and latency over some stretch of serving (one window, or the mean of several): what a
 * verdict on a move compares before and after. Null quantiles had no data.
 *
 * @param requestRate finished requests per second
 * @param queueP95 p95 of the time requests waited for admission
 */
public record LatencySample(double requestRate, Double ttftP95, Double itlP95, Double e2eP95, Double queueP95) {
}
