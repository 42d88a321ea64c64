package dev.arborist.policies.elastic;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.Level;
import dev.arborist.policies.PruningProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A greedy path through the level space, from dense towards the sparsest level within the largest
 * budget. At every step each single-dimension move (narrower FFNs, one expert fewer, one KV group
 * fewer, the next layer in skip order, a higher skip beta) is evaluated, and the one that saves the
 * most estimated cost per unit of perplexity added is taken. Moves beyond the largest budget are
 * never taken, so the path ends when every move would leave it. Like a coordinate-wise knapsack
 * heuristic, it evaluates O(steps x dimensions) levels instead of the whole grid.
 */
final class LevelSearch {
    /** Skip beta moves in steps of 0.1; FFN width in steps the settings give ({@link LadderSettings#ffnStep}). */
    static final double BETA_STEP = 0.1;
    /** Perplexity added by a move is counted as at least this (0.2% of dense), so free moves rank by cost saved. */
    private static final double MIN_ADDED = 0.002;

    /** A level on the path: its perplexity ratio on the search windows and its estimated relative cost. */
    record Point(Level level, double perplexityRatio, double relativeCost) {}

    private final ModelConfig config;
    private final double ffnStep;
    private final List<Integer> skipOrder;
    private final Function<Level, Point> evaluate;
    private final double maxRatio;

    /**
     * @param evaluate measures a level (perplexity ratio to dense on the search windows, cost)
     * @param maxRatio 1 + the largest budget: no point of the path is worse
     * @param ffnStep the share of FFN width one move removes
     */
    LevelSearch(ModelConfig config, List<Integer> skipOrder, Function<Level, Point> evaluate, double maxRatio, double ffnStep) {
        this.config = config;
        this.ffnStep = ffnStep;
        this.skipOrder = skipOrder;
        this.evaluate = evaluate;
        this.maxRatio = maxRatio;
    }

    /** @return the path from dense (first) to its last, cheapest point; cost strictly decreases along it */
    List<Point> path(PruningProgress progress) {
        List<Point> path = new ArrayList<>();
        Point current = evaluate.apply(Level.dense(config));
        path.add(current);
        int bound = maxSteps();
        while (true) {
            progress.layersDone(path.size(), bound);
            Point best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (Level move : moves(current.level())) {
                Point p = evaluate.apply(move);
                double saved = current.relativeCost() - p.relativeCost();
                if (p.perplexityRatio() > maxRatio || saved <= 0) {
                    continue;
                }
                double score = saved / Math.max(MIN_ADDED, p.perplexityRatio() - current.perplexityRatio());
                if (score > bestScore) {
                    best = p;
                    bestScore = score;
                }
            }
            if (best == null) {
                progress.layersDone(bound, bound);
                return path;
            }
            path.add(best);
            current = best;
        }
    }

    /** Every level one step sparser than {@code from} along a single dimension. */
    List<Level> moves(Level from) {
        List<Level> out = new ArrayList<>();
        if (from.ffnFraction() - ffnStep >= ffnStep - 1e-9) {
            out.add(from.withFfnFraction(round(from.ffnFraction() - ffnStep)));
        }
        if (config.isMoe() && from.expertsKept() > 1) {
            out.add(from.withExpertsKept(from.expertsKept() - 1));
        }
        if (from.kvGroupsKept() > 1) {
            out.add(from.withKvGroupsKept(from.kvGroupsKept() - 1));
        }
        if (from.skippedLayers().size() < config.numLayers() - 1) {
            skipOrder.stream().filter(l -> !from.skips(l)).findFirst().ifPresent(l -> out.add(from.withSkippedLayer(l)));
        }
        if (config.isMoe() && config.expertsPerToken() > 1 && from.skipBeta() + BETA_STEP <= 1 + 1e-9) {
            out.add(from.withSkipBeta(Math.min(1, round(from.skipBeta() + BETA_STEP))));
        }
        return out;
    }

    /** An upper bound on the path's length, for progress: every dimension taken to its end. */
    int maxSteps() {
        int steps = (int) Math.round(1 / ffnStep) - 1 + config.numKvHeads() - 1 + config.numLayers() - 1;
        if (config.isMoe()) {
            steps += config.numExperts() - 1 + (int) Math.round(1 / BETA_STEP);
        }
        return steps + 1;
    }

    /** Keeps grid values exact in JSON (0.5625, not 0.5625000001). */
    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
