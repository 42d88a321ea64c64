package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.structured.entry.LayerRemoval;
import dev.arborist.policies.structured.importance.BlockInfluenceImportance;
import dev.arborist.policies.structured.importance.TopScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** ShortGPT (Men et al. 2024): removes the round(L * s) layers with the lowest block influence. */
public final class LayerPruning implements PruningMethod {
    public static final String NAME = "layers";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(NAME, target, Set.of());
        LanguageModel model = target.model();
        PruningGroup layers = Groups.layers(GroupPruning.denseView(model));
        try (ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), false, model.manager())) {
            CalibrationPass.run(model, calibration, stats);
            int[] kept = new TopScores(new BlockInfluenceImportance(stats))
                    .keep(layers, GroupPruning.keepCount(layers.units(), target.sparsity(), 1));
            List<PlanEntry> entries = new ArrayList<>();
            for (int l = 0; l < layers.units(); l++) {
                final int layer = l;
                if (Arrays.stream(kept).noneMatch(k -> k == layer)) {
                    entries.add(new LayerRemoval(l));
                }
            }
            progress.layersDone(layers.units(), layers.units());
            return new PruningPlan(NAME, GroupPruning.settings(target), entries);
        }
    }
}
