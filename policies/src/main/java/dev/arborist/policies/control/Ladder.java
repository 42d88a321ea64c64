package dev.arborist.policies.control;

import java.util.List;

/** The rungs the controller may choose from, densest first, and what the quality budget allows of them. */
final class Ladder {
    private final List<Rung> rungs;
    private final double maxPerplexityRatio;

    Ladder(List<Rung> rungs, double maxPerplexityRatio) {
        if (rungs == null || rungs.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs at least the dense rung");
        }
        for (int i = 0; i < rungs.size(); i++) {
            if (rungs.get(i).index() != i) {
                throw new IllegalArgumentException("ladder rungs must be listed densest first with indices 0, 1, 2, ...; position "
                        + i + " holds rung " + rungs.get(i).index());
            }
        }
        this.rungs = List.copyOf(rungs);
        this.maxPerplexityRatio = maxPerplexityRatio;
    }

    List<Rung> rungs() {
        return rungs;
    }

    Rung rung(int index) {
        return rungs.get(index);
    }

    int sparsest() {
        return rungs.size() - 1;
    }

    /** Dense is the reference and always allowed; any other rung must keep its perplexity ratio within budget. */
    boolean withinBudget(int index) {
        return index == 0 || rungs.get(index).perplexityRatio() <= maxPerplexityRatio;
    }

    /** Expected p95 on {@code to} divided by p95 on {@code from}: latency scales with 1 / decode speed-up. */
    double latencyRatio(int from, int to) {
        return rungs.get(from).decodeSpeedup() / rungs.get(to).decodeSpeedup();
    }

    double maxPerplexityRatio() {
        return maxPerplexityRatio;
    }
}
