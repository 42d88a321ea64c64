package dev.arborist.events;

import java.util.List;

/**
 * {@code arborist.stats.v1} on {@code arborist.telemetry.stats}: what one replica's sampled
 * decode steps saw during one window. Sums, not means, so windows and replicas merge by adding.
 *
 * @param windowStart ISO-8601 instant
 * @param windowEnd ISO-8601 instant
 * @param sampleEvery one step in this many was instrumented at the full rung (fewer at a sparse rung: {@code steps} and
 *     {@code sampledSteps} give the share)
 * @param expertsPerToken top-k of the MoE layers; null for a dense model
 * @param planId the plan whose unit order the arrays follow: an elastic plan permutes experts, FFN
 *     channels and KV groups, and the agent maps them back to the dense base order; null for the
 *     base order. At a sparse level arrays may hold only the prefix of units that ran
 * @param rung the ladder rung the sampled steps ran at; null for dense or a plan without a ladder
 */
public record StatsSketch(String deployment, String replica, String windowStart, String windowEnd, int sampleEvery,
        long steps, long sampledSteps, long sampledTokens, Integer expertsPerToken, List<Layer> layers, String planId, Integer rung) {
    public static final String SCHEMA = "arborist.stats.v1";

    public StatsSketch {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /** A sketch of the dense base model (arrays in base order). */
    public StatsSketch(String deployment, String replica, String windowStart, String windowEnd, int sampleEvery,
            long steps, long sampledSteps, long sampledTokens, Integer expertsPerToken, List<Layer> layers) {
        this(deployment, replica, windowStart, windowEnd, sampleEvery, steps, sampledSteps, sampledTokens, expertsPerToken, layers,
                null, null);
    }

    /**
     * @param blockInfluence mean 1 - cos(input, output) of the layer (ShortGPT); null without samples
     * @param routingCounts tokens routed to each expert; null for a dense layer
     * @param gateSums summed gate weight per expert; null for a dense layer
     * @param ffnOut down-projection input energy per expert (expert -1: the dense FFN)
     * @param attnOut output-projection input energy; null when not collected
     */
    public record Layer(int layer, Double blockInfluence, long[] routingCounts, double[] gateSums, List<Channels> ffnOut, Channels attnOut) {
        public Layer {
            ffnOut = ffnOut == null ? List.of() : List.copyOf(ffnOut);
        }
    }

    /** Sum of squared activations per input channel over {@code rows} token rows. */
    public record Channels(int expert, long rows, double[] sumSquares) {
    }

    public String encode() {
        return EventJson.encode(SCHEMA, this);
    }

    public static StatsSketch parse(String value) {
        StatsSketch sketch = EventJson.decode(value, SCHEMA, StatsSketch.class);
        if (sketch.deployment() == null || sketch.deployment().isBlank()) {
            throw new IllegalArgumentException("malformed " + SCHEMA + ": 'deployment' must be a non-empty string");
        }
        return sketch;
    }
}
