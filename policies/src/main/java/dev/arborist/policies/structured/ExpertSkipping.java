package dev.arborist.policies.structured;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.structured.entry.ExpertSkip;
import dev.arborist.policies.structured.moe.MoeInputRecorder;
import dev.arborist.policies.structured.moe.SkipThreshold;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * NAEE dynamic expert skipping (Lu et al. 2024): per MoE layer, a threshold beta under which a
 * token's second expert is not run, calibrated so that the fraction s of second experts is skipped
 * on the calibration text. Nothing is removed; tokens with a confident router get cheaper.
 */
public final class ExpertSkipping implements PruningMethod {
    public static final String NAME = "expert-skip";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(NAME, target, Set.of());
        LanguageModel model = target.model();
        GroupPruning.requireMoe(NAME, model);
        MoeInputRecorder inputs = new MoeInputRecorder();
        CalibrationPass.run(model, calibration, inputs);
        int layers = model.config().numLayers();
        List<PlanEntry> entries = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            double beta = SkipThreshold.beta(inputs.probe(l, model.transformer().weights().layers().get(l).moe(), model.manager()),
                    target.sparsity());
            entries.add(new ExpertSkip(l, beta));
            progress.layersDone(l + 1, layers);
        }
        return new PruningPlan(NAME, GroupPruning.settings(target), entries);
    }
}
