package dev.arborist.agent.window;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one closed control window saw, merged across every replica of the deployment. Latency
 * quantiles are within {@link LatencyHistogram#RELATIVE_ERROR} and null when no request reported
 * that latency.
 *
 * @param rungUsage requests per base rung, the rung the controller set (0: dense, or a plan without a ladder); a
 *     request the per-input policy table sent sparser counts at its base rung
 * @param planUsage requests per plan id ({@value #DENSE} for the unpruned base)
 * @param sloClasses requests per SLO class ({@code default} when a request named none)
 * @param lengthBuckets requests per prompt-length bucket ({@code none} when not bucketed)
 * @param shadowRatio over the sampled shadow comparisons, exp(mean(level log-likelihood - dense
 *     log-likelihood)) per token of what the level generated: how much less likely the dense model
 *     finds the level's output than the level does, a perplexity-ratio-like quality signal (1: no
 *     loss); null without samples
 */
public record WindowStats(Instant start, Instant end, long requests, int replicas, long promptTokens, long completionTokens,
        Double ttftP95, Double itlP95, Double e2eP95, Double queueP95, Map<Integer, Long> rungUsage, Map<String, Long> planUsage,
        Map<String, Long> sloClasses, Map<String, Long> lengthBuckets, long shadowTokens, Double shadowRatio) {
    /** The plan label of requests served by the unpruned base model. */
    public static final String DENSE = "dense";

    public WindowStats {
        rungUsage = Map.copyOf(rungUsage);
        planUsage = Map.copyOf(planUsage);
        sloClasses = Map.copyOf(sloClasses);
        lengthBuckets = Map.copyOf(lengthBuckets);
    }

    public double seconds() {
        return Duration.between(start, end).toMillis() / 1000.0;
    }

    public double tokensPerSecond() {
        return completionTokens / seconds();
    }

    public double requestsPerSecond() {
        return requests / seconds();
    }

    /** The plan most requests ran on; {@value #DENSE} for an empty window. */
    public String dominantPlan() {
        return planUsage.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(DENSE);
    }

    /** The rung most requests ran at; 0 for an empty window. */
    public int dominantRung() {
        return rungUsage.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0);
    }
}
