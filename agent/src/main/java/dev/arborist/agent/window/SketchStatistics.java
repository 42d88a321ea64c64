package dev.arborist.agent.window;

import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.util.List;
import java.util.Map;

/**
 * The live traffic statistics of a deployment, as the importance criteria read them: an immutable
 * copy of the decayed sums of every replica's stats sketches. Built on the consumer thread, read
 * by the plan builder's thread.
 */
public final class SketchStatistics implements TrafficStatistics {
    private final TrafficShape shape;
    private final double[][] routing;
    private final double[][] gates;
    private final List<Map<Integer, double[]>> ffnOut;
    private final double[][] attnOut;
    private final double[][] influence;
    private final double tokens;

    SketchStatistics(TrafficShape shape, double[][] routing, double[][] gates, List<Map<Integer, double[]>> ffnOut, double[][] attnOut,
                     double[][] influence, double tokens) {
        this.shape = shape;
        this.routing = Copies.of(routing);
        this.gates = Copies.of(gates);
        this.ffnOut = Copies.ofMaps(ffnOut);
        this.attnOut = Copies.of(attnOut);
        this.influence = Copies.of(influence);
        this.tokens = tokens;
    }

    public TrafficShape shape() {
        return shape;
    }

    /** Decayed sampled tokens behind these numbers. */
    public double sampledTokens() {
        return tokens;
    }

    @Override
    public double[] ffnOutSumSquares(int layer, int expert) {
        double[] v = ffnOut.get(layer).get(expert);
        return v == null ? null : v.clone();
    }

    @Override
    public double[] attnOutSumSquares(int layer) {
        return attnOut[layer] == null ? null : attnOut[layer].clone();
    }

    /** Decayed counts, rounded: criteria rank experts by them, so rounding changes no order that matters. */
    @Override
    public long[] routingCounts(int layer) {
        long[] c = new long[shape.experts()];
        for (int e = 0; e < c.length; e++) {
            c[e] = Math.round(routing[layer][e]);
        }
        return c;
    }

    @Override
    public double[] gateSums(int layer) {
        return gates[layer].clone();
    }

    @Override
    public double blockInfluence(int layer) {
        return influence[layer][1] == 0 ? Double.NaN : influence[layer][0] / influence[layer][1];
    }

    /** (L, E) share of each layer's routed tokens that went to each expert; zeros for a layer never observed. */
    public double[][] expertUsage() {
        double[][] share = new double[shape.layers()][shape.experts()];
        for (int l = 0; l < shape.layers(); l++) {
            double total = 0;
            for (double c : routing[l]) {
                total += c;
            }
            for (int e = 0; e < shape.experts() && total > 0; e++) {
                share[l][e] = routing[l][e] / total;
            }
        }
        return share;
    }

    /** (L, E) decayed routing counts, unrounded. */
    public double[][] routingSums() {
        return Copies.of(routing);
    }

    /**
     * Root-mean-square activation of each channel entering a layer's FFN down projections, over
     * all observed tokens (experts' channels concatenated in expert order; zeros where unobserved):
     * the channel-norm profile the drift detector compares.
     */
    public double[] ffnChannelNorms(int layer) {
        int units = Math.max(shape.experts(), 1);
        double[] norms = new double[units * shape.ffnWidth()];
        for (int u = 0; u < units; u++) {
            double[] v = ffnOut.get(layer).get(shape.experts() == 0 ? -1 : u);
            for (int j = 0; v != null && j < v.length; j++) {
                norms[u * shape.ffnWidth() + j] = tokens > 0 ? Math.sqrt(v[j] / tokens) : 0;
            }
        }
        return norms;
    }
}
