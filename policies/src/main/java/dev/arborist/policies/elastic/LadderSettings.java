package dev.arborist.policies.elastic;

import java.util.List;

/**
 * How a ladder is built and measured.
 *
 * @param budgets max held-out perplexity increases, one rung each (0.1 = +10%); sorted ascending
 * @param window tokens per perplexity window (clamped to the model's context)
 * @param searchWindows windows of the eval text the search measures each candidate level on
 * @param evalWindows windows the final rungs are measured on (Integer.MAX_VALUE: the whole text)
 * @param speed how decode speed-ups against dense are measured
 * @param ffnStep how far one search step narrows the FFNs (a share of their width)
 */
public record LadderSettings(List<Double> budgets, int window, int searchWindows, int evalWindows, SpeedComparison speed, double ffnStep) {
    public static final List<Double> DEFAULT_BUDGETS = List.of(0.05, 0.10, 0.20, 0.40);
    /**
     * FFN width moves in steps of 1/16: steps of 1/8 left the bundled model's +15% rung at +12.9%, with
     * the next point on the path well beyond the budget (BENCHMARKS.md, "Elastic ladder").
     */
    public static final double FINE_FFN_STEP = 0.0625;
    /**
     * For builds measured on a few short windows: a finer path lands rungs closer to their budget
     * than such noisy measurements can confirm, and the agent's verifier, on other text, then drops them.
     */
    public static final double QUICK_FFN_STEP = 0.125;

    /** Settings with the {@link #FINE_FFN_STEP fine} FFN step. */
    public LadderSettings(List<Double> budgets, int window, int searchWindows, int evalWindows, SpeedComparison speed) {
        this(budgets, window, searchWindows, evalWindows, speed, FINE_FFN_STEP);
    }

    public LadderSettings {
        if (budgets.isEmpty()) {
            throw new IllegalArgumentException("give at least one perplexity budget, e.g. 5,10,20,40 (percent)");
        }
        for (double b : budgets) {
            if (!(b > 0 && Double.isFinite(b))) {
                throw new IllegalArgumentException("a perplexity budget must be a positive increase such as 0.1 for +10%, got " + b);
            }
        }
        budgets = budgets.stream().distinct().sorted().toList();
        if (!(ffnStep > 0 && ffnStep < 1)) {
            throw new IllegalArgumentException("the FFN step must be a share of the width in (0, 1), got " + ffnStep);
        }
        if (window < 2 || searchWindows < 1 || evalWindows < 1) {
            throw new IllegalArgumentException("window must be at least 2 tokens and window counts positive, got " + window + ", "
                    + searchWindows + ", " + evalWindows);
        }
    }

    /** Budgets 5/10/20/40%, windows of 256 tokens, 8 of them for the search, the whole text for the rungs. */
    public static LadderSettings defaults() {
        return new LadderSettings(DEFAULT_BUDGETS, 256, 8, Integer.MAX_VALUE, new SpeedComparison(3, 32, 16));
    }

    /** The same settings with FFN width moving in steps of {@code step}. */
    public LadderSettings withFfnStep(double step) {
        return new LadderSettings(budgets, window, searchWindows, evalWindows, speed, step);
    }

    public double largestBudget() {
        return budgets.get(budgets.size() - 1);
    }
}
