package dev.arborist.agent.window;

import dev.arborist.events.StatsSketch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lifelong traffic statistics: the stats sketches of every replica summed with exponential decay
 * in event time (half-life configurable), so recent traffic dominates while old traffic fades
 * instead of vanishing at a window edge. Sums are kept as of a reference instant; a sketch from
 * before it is discounted on the way in (forward decay), so the result does not depend on the
 * order sketches arrive in. Consumer thread only; {@link #statistics()} hands an immutable copy to
 * the plan builder.
 */
public final class DecayedTraffic {
    private final TrafficShape shape;
    private final double halfLifeMs;
    private long referenceMs;
    private double tokens; // decayed sampled tokens
    private final double[][] routing; // [layer][expert]
    private final double[][] gates; // [layer][expert]
    private final List<Map<Integer, double[]>> ffnOut; // per layer: expert (-1 dense) → (f) sum of squares
    private final double[][] attnOut; // [layer] → (nh*hs) sum of squares, null until observed
    private final double[][] influence; // [layer] → {weighted sum, weight}

    public DecayedTraffic(TrafficShape shape, Duration halfLife) {
        if (halfLife.toMillis() <= 0) {
            throw new IllegalArgumentException("the statistics half-life must be positive, got " + halfLife);
        }
        this.shape = shape;
        this.halfLifeMs = halfLife.toMillis();
        this.routing = new double[shape.layers()][shape.experts()];
        this.gates = new double[shape.layers()][shape.experts()];
        this.ffnOut = new ArrayList<>();
        for (int l = 0; l < shape.layers(); l++) {
            ffnOut.add(new TreeMap<>());
        }
        this.attnOut = new double[shape.layers()][];
        this.influence = new double[shape.layers()][2];
    }

    /**
     * Adds one replica's sketch, stamped with the end of its window.
     *
     * @throws IllegalArgumentException when the sketch does not fit the model; nothing is added then
     */
    public void add(StatsSketch sketch, Instant at) {
        SketchShapes.check(sketch, shape);
        long t = at.toEpochMilli();
        double weight = 1;
        if (tokens == 0 && referenceMs == 0) {
            referenceMs = t;
        } else if (t > referenceMs) {
            scaleAll(decay(t - referenceMs));
            referenceMs = t;
        } else {
            weight = decay(referenceMs - t);
        }
        tokens += weight * sketch.sampledTokens();
        for (StatsSketch.Layer layer : sketch.layers()) {
            addLayer(layer, weight, weight * sketch.sampledTokens());
        }
    }

    private void addLayer(StatsSketch.Layer layer, double weight, double influenceWeight) {
        int l = layer.layer();
        if (layer.routingCounts() != null) {
            for (int e = 0; e < shape.experts(); e++) {
                routing[l][e] += weight * layer.routingCounts()[e];
                gates[l][e] += weight * (layer.gateSums() == null ? 0 : layer.gateSums()[e]);
            }
        }
        for (StatsSketch.Channels c : layer.ffnOut()) {
            addInto(ffnOut.get(l).computeIfAbsent(c.expert(), e -> new double[shape.ffnWidth()]), c.sumSquares(), weight);
        }
        if (layer.attnOut() != null) {
            attnOut[l] = attnOut[l] == null ? new double[shape.attnWidth()] : attnOut[l];
            addInto(attnOut[l], layer.attnOut().sumSquares(), weight);
        }
        if (layer.blockInfluence() != null && Double.isFinite(layer.blockInfluence()) && influenceWeight > 0) {
            influence[l][0] += influenceWeight * layer.blockInfluence();
            influence[l][1] += influenceWeight;
        }
    }

    private static void addInto(double[] sum, double[] values, double weight) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += weight * values[i];
        }
    }

    private double decay(long ms) {
        return Math.pow(0.5, ms / halfLifeMs);
    }

    private void scaleAll(double f) {
        tokens *= f;
        for (int l = 0; l < shape.layers(); l++) {
            scale(routing[l], f);
            scale(gates[l], f);
            ffnOut.get(l).values().forEach(v -> scale(v, f));
            scale(attnOut[l], f);
            scale(influence[l], f);
        }
    }

    private static void scale(double[] v, double f) {
        if (v != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= f;
            }
        }
    }

    /** Decayed count of sampled tokens behind the statistics: how much evidence there is. */
    public double sampledTokens() {
        return tokens;
    }

    /** An immutable copy for the plan builder and the drift detector. */
    public SketchStatistics statistics() {
        return new SketchStatistics(shape, routing, gates, ffnOut, attnOut, influence, tokens);
    }

    public State state() {
        return new State(referenceMs, tokens, Copies.of(routing), Copies.of(gates), Copies.ofMaps(ffnOut), Copies.of(attnOut),
                Copies.of(influence));
    }

    /** Restores sums from a snapshot; a snapshot of another model shape is dropped (it cannot apply). */
    public static DecayedTraffic restore(TrafficShape shape, Duration halfLife, State s) {
        DecayedTraffic t = new DecayedTraffic(shape, halfLife);
        if (s == null || !s.fits(shape)) {
            return t;
        }
        t.referenceMs = s.referenceMs;
        t.tokens = s.tokens;
        for (int l = 0; l < shape.layers(); l++) {
            t.routing[l] = s.routing[l].clone();
            t.gates[l] = s.gates[l].clone();
            t.attnOut[l] = s.attnOut[l] == null ? null : s.attnOut[l].clone();
            t.influence[l] = s.influence[l].clone();
            t.ffnOut.get(l).putAll(Copies.ofMaps(List.of(s.ffnOut.get(l))).get(0));
        }
        return t;
    }

    /** The decayed sums as plain data, for the agent's snapshot. */
    public record State(long referenceMs, double tokens, double[][] routing, double[][] gates, List<Map<Integer, double[]>> ffnOut,
            double[][] attnOut, double[][] influence) {
        boolean fits(TrafficShape shape) {
            if (routing == null || routing.length != shape.layers() || ffnOut == null || ffnOut.size() != shape.layers()) {
                return false;
            }
            for (int l = 0; l < shape.layers(); l++) {
                if (routing[l].length != shape.experts() || (attnOut[l] != null && attnOut[l].length != shape.attnWidth())) {
                    return false;
                }
                for (double[] v : ffnOut.get(l).values()) {
                    if (v.length != shape.ffnWidth()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
