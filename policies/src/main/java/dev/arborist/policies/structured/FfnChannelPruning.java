package dev.arborist.policies.structured;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ChannelSelection;
import java.util.List;

/**
 * Removes the fraction s of the intermediate channels of every FFN (each dense MLP and each
 * expert), scored by {@link dev.arborist.policies.structured.importance.ChannelActivationImportance} (FLAP, An et al. 2024; Wanda-sp).
 */
public final class FfnChannelPruning extends ActivationScoredPruning {
    public static final String NAME = "ffn-channels";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    List<PruningGroup> groups(WeightEditor dense, LanguageModel model) {
        return Groups.allFfnChannels(dense);
    }

    @Override
    PlanEntry keep(PruningGroup group, List<Integer> kept) {
        return new ChannelSelection(group.layer(), group.expert(), kept);
    }
}
