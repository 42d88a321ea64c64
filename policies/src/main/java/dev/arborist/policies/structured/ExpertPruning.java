package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ExpertSelection;
import dev.arborist.policies.structured.moe.MoeInputRecorder;
import dev.arborist.policies.structured.moe.MoeProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Removes round(E * s) experts from every MoE layer, the same number everywhere (a Hugging Face
 * Mixtral config has one num_local_experts), keeping at least top-k. Option
 * {@code criterion=frequency|reap|naee} (default reap) picks which.
 */
public final class ExpertPruning implements PruningMethod {
    public static final String NAME = "experts";
    public static final String CRITERION = "criterion";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress) {
        GroupPruning.allowOptions(NAME, target, Set.of(CRITERION));
        ExpertCriterion criterion = ExpertCriterion.parse(target.options().getOrDefault(CRITERION, ExpertCriterion.REAP.option()));
        LanguageModel model = target.model();
        GroupPruning.requireMoe(NAME, model);
        WeightEditor dense = GroupPruning.denseView(model);
        int layers = model.config().numLayers();
        List<PruningGroup> groups = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            groups.add(Groups.experts(dense, l));
        }
        MoeInputRecorder inputs = new MoeInputRecorder();
        try (ActivationStatistics stats = new ActivationStatistics(model.config().numExperts(), false, model.manager())) {
            CalibrationPass.run(model, calibration, criterion.replaysExperts() ? new Tee(stats, inputs) : stats);
            IntFunction<MoeProbe> probes = l -> inputs.probe(l, model.transformer().weights().layers().get(l).moe(), model.manager());
            Map<String, String> settings = GroupPruning.settings(target);
            settings.put(CRITERION, criterion.option()); // the effective one, also when defaulted
            return new PruningPlan(NAME, settings, GroupPruning.selectAll(groups, criterion.selector(stats, probes),
                    target.sparsity(), model.config().expertsPerToken(), layers, progress,
                    (g, kept) -> new ExpertSelection(g.layer(), kept)));
        }
    }
}
