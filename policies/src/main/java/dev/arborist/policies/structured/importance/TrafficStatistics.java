package dev.arborist.policies.structured.importance;

import dev.arborist.model.instrument.ActivationStatistics;

/**
 * What importance criteria read about the traffic a model served: plain sums over observed tokens,
 * so they can come from a calibration pass ({@link #of(ActivationStatistics)}) or from sketches
 * aggregated off serving telemetry. Arrays are fresh copies the caller may keep.
 */
public interface TrafficStatistics {

    /**
     * @param expert the expert of a MoE layer, -1 for a dense MLP
     * @return (f) sum of squares of each channel entering down_proj (w2), or null if never observed
     */
    double[] ffnOutSumSquares(int layer, int expert);

    /** @return (nh*hs) sum of squares of each channel entering o_proj, or null if never observed */
    double[] attnOutSumSquares(int layer);

    /** @return (E) tokens routed to each expert of a MoE layer (a token counts once per chosen expert) */
    long[] routingCounts(int layer);

    /** @return (E) sum of each expert's renormalised gate weight over the tokens routed to it */
    double[] gateSums(int layer);

    /** @return mean over tokens of 1 - cos(layer input, layer output) (ShortGPT); NaN if never observed */
    double blockInfluence(int layer);

    /** A view of statistics collected by instrumenting forward passes. */
    static TrafficStatistics of(ActivationStatistics stats) {
        return new ActivationTraffic(stats);
    }
}
