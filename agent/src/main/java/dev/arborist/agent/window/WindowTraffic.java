package dev.arborist.agent.window;

import dev.arborist.events.StatsSketch;

/**
 * Expert usage and FFN channel energy of the sketches that arrived during one control window, in
 * base order: what the drift detector compares with the reference, window by window. Unlike
 * {@link DecayedTraffic} it forgets everything at each window's close.
 */
public final class WindowTraffic {
    private final TrafficShape shape;
    private long[][] routing; // [layer][expert]
    private double[][] ffnSquares; // [layer][expert * f + channel]
    private long sketches;
    private long sampledTokens;

    public WindowTraffic(TrafficShape shape) {
        this.shape = shape;
        reset();
    }

    /** Adds a sketch already in base order and checked against the shape. */
    public void add(StatsSketch s) {
        sketches++;
        sampledTokens += s.sampledTokens();
        int width = shape.ffnWidth();
        for (StatsSketch.Layer l : s.layers()) {
            if (l.routingCounts() != null) {
                for (int e = 0; e < shape.experts(); e++) {
                    routing[l.layer()][e] += l.routingCounts()[e];
                }
            }
            for (StatsSketch.Channels c : l.ffnOut()) {
                int offset = Math.max(c.expert(), 0) * width;
                for (int j = 0; j < width; j++) {
                    ffnSquares[l.layer()][offset + j] += c.sumSquares()[j];
                }
            }
        }
    }

    /** Tokens the sketches' sampled steps ran: how much evidence the window holds. */
    public long sampledTokens() {
        return sampledTokens;
    }

    /** (L, E) routing counts; null for a dense model. */
    public long[][] routingCounts() {
        return shape.experts() == 0 ? null : routing;
    }

    /** (L, E*f) root of each channel's summed squares (its norm; the detector compares directions only). */
    public double[][] channelNorms() {
        double[][] norms = new double[shape.layers()][];
        for (int l = 0; l < norms.length; l++) {
            norms[l] = new double[ffnSquares[l].length];
            for (int j = 0; j < norms[l].length; j++) {
                norms[l][j] = Math.sqrt(ffnSquares[l][j]);
            }
        }
        return norms;
    }

    public void reset() {
        routing = new long[shape.layers()][shape.experts()];
        ffnSquares = new double[shape.layers()][Math.max(shape.experts(), 1) * shape.ffnWidth()];
        sketches = 0;
        sampledTokens = 0;
    }
}
