package dev.arborist.agent.window;

import dev.arborist.events.StatsSketch;

/** Checks that a stats sketch describes a model of the given shape, naming the first field that does not. */
final class SketchShapes {
    private SketchShapes() {
    }

    /** Checks a sketch in base order: every array has the model's full width. */
    static void check(StatsSketch s, TrafficShape shape) {
        check(s, shape, false);
    }

    /**
     * @param prefixes whether arrays may be shorter than the model's widths: a sparse level's sketch
     *     lists only the leading units it ran
     */
    static void check(StatsSketch s, TrafficShape shape, boolean prefixes) {
        require(s.sampledTokens() >= 0 && s.sampledSteps() >= 0, "sampled counts must be non-negative");
        for (StatsSketch.Layer layer : s.layers()) {
            int l = layer.layer();
            require(l >= 0 && l < shape.layers(), "layer " + l + " does not exist: the model has " + shape.layers());
            if (layer.routingCounts() != null) {
                require(fits(layer.routingCounts().length, shape.experts(), prefixes),
                        "layer " + l + " routes to " + layer.routingCounts().length + " experts, the model has " + shape.experts());
                require(layer.gateSums() == null || fits(layer.gateSums().length, shape.experts(), prefixes),
                        "layer " + l + ": gate sums do not match the experts");
                for (long c : layer.routingCounts()) {
                    require(c >= 0, "layer " + l + ": negative routing count");
                }
            }
            for (StatsSketch.Channels c : layer.ffnOut()) {
                boolean known = shape.experts() == 0 ? c.expert() == -1 : c.expert() >= 0 && c.expert() < shape.experts();
                require(known, "layer " + l + ": no expert " + c.expert());
                channels(c, shape.ffnWidth(), prefixes, "layer " + l + " ffn_out");
            }
            if (layer.attnOut() != null) {
                channels(layer.attnOut(), shape.attnWidth(), prefixes, "layer " + l + " attn_out");
            }
        }
    }

    private static boolean fits(int length, int width, boolean prefixes) {
        return prefixes ? length <= width : length == width;
    }

    private static void channels(StatsSketch.Channels c, int width, boolean prefixes, String where) {
        require(c.sumSquares() != null && fits(c.sumSquares().length, width, prefixes),
                where + " has " + (c.sumSquares() == null ? 0 : c.sumSquares().length) + " channels, the model has " + width);
        for (double v : c.sumSquares()) {
            require(v >= 0 && Double.isFinite(v), where + ": sums of squares must be finite and non-negative");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("stats sketch does not fit the model: " + message);
        }
    }
}
