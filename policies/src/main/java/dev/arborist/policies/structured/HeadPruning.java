package dev.arborist.policies.structured;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.HeadSelection;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the fraction s of the KV groups of every attention block (at least one stays). A group
 * is scored as the o_proj input energy it carries: sum over the dims of its query heads of
 * ||X_j||^2 * ||W_o[:, j]||^2 ({@link dev.arborist.policies.structured.importance.ChannelActivationImportance} on the ATTN_OUT site).
 */
public final class HeadPruning extends ActivationScoredPruning {
    public static final String NAME = "heads";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    List<PruningGroup> groups(WeightEditor dense, LanguageModel model) {
        List<PruningGroup> groups = new ArrayList<>();
        for (int l = 0; l < model.config().numLayers(); l++) {
            groups.add(Groups.kvGroups(dense, l));
        }
        return groups;
    }

    @Override
    PlanEntry keep(PruningGroup group, List<Integer> kept) {
        return new HeadSelection(group.layer(), kept);
    }
}
