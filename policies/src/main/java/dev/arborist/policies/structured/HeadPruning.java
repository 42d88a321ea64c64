package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.HeadSelection;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.TopScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes the fraction s of the KV groups of every attention block (at least one stays). A group
 * is scored as the o_proj input energy it carries: sum over the dims of its query heads of
 * ||X_j||^2 * ||W_o[:, j]||^2 ({@link ChannelActivationImportance} on the ATTN_OUT site).
 */
public final class HeadPruning implements PruningMethod {
    public static final String NAME = "heads";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(NAME, target, Set.of());
        LanguageModel model = target.model();
        WeightEditor dense = GroupPruning.denseView(model);
        int layers = model.config().numLayers();
        List<PruningGroup> groups = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            groups.add(Groups.kvGroups(dense, l));
        }
        try (ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), false, model.manager())) {
            CalibrationPass.run(model, calibration, stats);
            TopScores selector = new TopScores(new ChannelActivationImportance(stats, dense));
            return new PruningPlan(NAME, GroupPruning.settings(target), GroupPruning.selectAll(groups, selector,
                    target.sparsity(), 1, layers, progress, (g, kept) -> new HeadSelection(g.layer(), kept)));
        }
    }
}
