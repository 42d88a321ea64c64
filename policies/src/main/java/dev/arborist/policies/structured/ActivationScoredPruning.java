package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.TopScores;
import java.util.List;
import java.util.Set;

/**
 * Structured pruning whose units are scored by the activation energy they carry into the matrix
 * that reads them ({@link ChannelActivationImportance}): one calibration pass, then the top
 * (1 - s) units of every group are kept. Subclasses say which groups and which plan entry.
 */
abstract class ActivationScoredPruning implements PruningMethod {

    /** The groups to prune, one per layer (and expert), over the dense weights. */
    abstract List<PruningGroup> groups(WeightEditor dense, LanguageModel model);

    /** The plan entry that keeps {@code kept} units of {@code group}. */
    abstract PlanEntry keep(PruningGroup group, List<Integer> kept);

    @Override
    public final PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(name(), target, Set.of());
        LanguageModel model = target.model();
        WeightEditor dense = GroupPruning.denseView(model);
        List<PruningGroup> groups = groups(dense, model);
        try (ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), false, model.manager())) {
            CalibrationPass.run(model, calibration, stats);
            TopScores selector = new TopScores(new ChannelActivationImportance(stats, dense));
            return new PruningPlan(name(), GroupPruning.settings(target), GroupPruning.selectAll(groups, selector,
                    target.sparsity(), 1, model.config().numLayers(), progress, this::keep));
        }
    }
}
