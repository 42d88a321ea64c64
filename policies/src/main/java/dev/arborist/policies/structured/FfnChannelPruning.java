package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ChannelSelection;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.TopScores;
import java.util.Set;

/**
 * Removes the fraction s of the intermediate channels of every FFN (each dense MLP and each
 * expert), scored by {@link ChannelActivationImportance} (FLAP, An et al. 2024; Wanda-sp).
 */
public final class FfnChannelPruning implements PruningMethod {
    public static final String NAME = "ffn-channels";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(NAME, target, Set.of());
        LanguageModel model = target.model();
        WeightEditor dense = GroupPruning.denseView(model);
        try (ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), false, model.manager())) {
            CalibrationPass.run(model, calibration, stats);
            TopScores selector = new TopScores(new ChannelActivationImportance(stats, dense));
            return new PruningPlan(NAME, GroupPruning.settings(target), GroupPruning.selectAll(Groups.allFfnChannels(dense),
                    selector, target.sparsity(), 1, model.config().numLayers(), progress,
                    (g, kept) -> new ChannelSelection(g.layer(), g.expert(), kept)));
        }
    }
}
