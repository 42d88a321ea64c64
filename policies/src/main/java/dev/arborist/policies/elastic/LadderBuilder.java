package dev.arborist.policies.elastic;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.CalibrationPass;
import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an {@link ElasticPlan} for a dense model: statistics, then the importance permutation,
 * then a greedy search over levels of the permuted model ({@link LevelSearch}), then for each
 * budget the cheapest level on the path whose held-out perplexity stays within it, and finally
 * each rung's decode speed-up against dense, measured side by side in this run.
 */
public final class LadderBuilder {
    /** Decode batch the cost estimate assumes: the batch the speed-up goal is set at. */
    static final int COST_BATCH = 8;

    private final LadderSettings settings;
    private final PruningProgress progress;

    /** @param progress receives (steps done, steps in total) over calibration, search and measurement */
    public LadderBuilder(LadderSettings settings, PruningProgress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Collects statistics over {@code calibration} with the dense model, then builds the plan. */
    public ElasticPlan build(LanguageModel dense, CalibrationSet calibration, int[] evalTokens) {
        try (ActivationStatistics stats = new ActivationStatistics(dense.config().numExperts(), false, dense.manager())) {
            CalibrationPass.run(dense, calibration, stats);
            return build(dense, TrafficStatistics.of(stats), evalTokens);
        }
    }

    /** @param stats traffic of the dense model (a calibration pass, or sketches from serving) */
    public ElasticPlan build(LanguageModel dense, TrafficStatistics stats, int[] evalTokens) {
        ModelConfig config = dense.config();
        WeightEditor denseView = new WeightEditor(config, dense.transformer().weights(), dense.manager());
        PruningPlan permutation = ImportanceOrder.permutation(stats, denseView);
        List<Integer> skipOrder = ImportanceOrder.layerSkipOrder(stats, denseView);
        try (NDManager m = dense.manager().newSubManager()) {
            Transformer full = dense.transformer().withWeights(permutation.applyMaterialized(config, dense.transformer().weights(), m).weights());
            return new ElasticPlan(permutation, skipOrder, climb(full, skipOrder, evalTokens, m));
        }
    }

    private Ladder climb(Transformer full, List<Integer> skipOrder, int[] evalTokens, NDManager m) {
        ModelConfig config = full.config();
        int window = Math.min(settings.window(), config.maxPositions());
        LevelQuality search = new LevelQuality(evalTokens, window, settings.searchWindows());
        LevelQuality heldOut = new LevelQuality(evalTokens, window, settings.evalWindows());
        DecodeCost cost = new DecodeCost(config, full.weights(), COST_BATCH);
        double searchDense = search.measure(full).perplexity();
        LevelSearch levels = new LevelSearch(config, skipOrder, level -> {
            try (NDManager views = m.newSubManager()) {
                LevelQuality.Measurement q = search.measure(full.atLevel(level, views));
                return new LevelSearch.Point(level, q.perplexity() / searchDense, cost.relative(level, q.expertsPerToken()));
            }
        }, 1 + settings.largestBudget(), settings.ffnStep());
        int budgets = settings.budgets().size();
        int searchSteps = levels.maxSteps();
        int total = searchSteps + 2 * budgets;
        List<LevelSearch.Point> path = levels.path((done, bound) -> progress.layersDone(done, total));
        List<Selected> selected = select(path, full, heldOut, m, (done) -> progress.layersDone(searchSteps + done, total));
        List<Rung> rungs = measureSpeed(selected, full, m, (done) -> progress.layersDone(searchSteps + budgets + done, total));
        progress.layersDone(total, total);
        return new Ladder(rungs);
    }

    /** A path point chosen for a budget, with its held-out perplexity. */
    private record Selected(double budget, LevelSearch.Point point, double perplexity, double ratio) {}

    /**
     * For each budget, ascending: the last (cheapest) path point within it on the search windows
     * whose held-out perplexity is within it too. A larger budget never picks an earlier point, so
     * rungs get cheaper; a budget that picks the same point as the one before adds no rung.
     */
    private List<Selected> select(List<LevelSearch.Point> path, Transformer full, LevelQuality heldOut, NDManager m, Step step) {
        Map<Level, Double> measured = new HashMap<>();
        double dense = heldOut.measure(full).perplexity();
        List<Selected> out = new ArrayList<>(List.of(new Selected(0, path.get(0), dense, 1)));
        int last = 0;
        for (int b = 0; b < settings.budgets().size(); b++) {
            double budget = settings.budgets().get(b);
            for (int i = path.size() - 1; i > last; i--) {
                LevelSearch.Point p = path.get(i);
                if (p.perplexityRatio() > 1 + budget) {
                    continue;
                }
                double ppl = measured.computeIfAbsent(p.level(), level -> heldOutPerplexity(full, level, heldOut, m));
                if (ppl / dense <= 1 + budget) {
                    out.add(new Selected(budget, p, ppl, ppl / dense));
                    last = i;
                    break;
                }
            }
            step.done(b + 1);
        }
        return out;
    }

    private static double heldOutPerplexity(Transformer full, Level level, LevelQuality heldOut, NDManager m) {
        try (NDManager views = m.newSubManager()) {
            return heldOut.measure(full.atLevel(level, views)).perplexity();
        }
    }

    private List<Rung> measureSpeed(List<Selected> selected, Transformer full, NDManager m, Step step) {
        List<Rung> rungs = new ArrayList<>();
        SpeedComparison speed = settings.speed();
        for (int i = 0; i < selected.size(); i++) {
            Selected s = selected.get(i);
            double b8 = 1;
            double b1 = 1;
            if (i > 0) {
                try (NDManager views = m.newSubManager()) {
                    Transformer level = full.atLevel(s.point().level(), views);
                    if (i == 1) {
                        speed.warmUp(full, level, m, 4);
                    }
                    b8 = speed.measure(full, level, m, 8).speedup();
                    b1 = speed.measure(full, level, m, 1).speedup();
                }
            }
            rungs.add(new Rung(i, s.budget(), s.point().level(), s.perplexity(), s.ratio(), s.point().relativeCost(), b8, b1));
            step.done(i);
        }
        return rungs;
    }

    /** Progress within one phase. */
    @FunctionalInterface
    private interface Step {
        void done(int steps);
    }
}
