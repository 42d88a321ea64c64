package dev.arborist.policies.structured.importance;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.ChannelStats;
import dev.arborist.model.instrument.LinearSite;

/** {@link TrafficStatistics} read from an {@link ActivationStatistics} collector. */
record ActivationTraffic(ActivationStatistics stats) implements TrafficStatistics {

    @Override
    public double[] ffnOutSumSquares(int layer, int expert) {
        return sumSquares(stats.channels(layer, LinearSite.FFN_OUT, expert));
    }

    @Override
    public double[] attnOutSumSquares(int layer) {
        return sumSquares(stats.channels(layer, LinearSite.ATTN_OUT, -1));
    }

    @Override
    public long[] routingCounts(int layer) {
        return stats.routingCounts(layer);
    }

    @Override
    public double[] gateSums(int layer) {
        return stats.gateSums(layer);
    }

    @Override
    public double blockInfluence(int layer) {
        return stats.blockInfluence(layer);
    }

    private static double[] sumSquares(ChannelStats c) {
        return c == null ? null : c.sumSquares();
    }
}
