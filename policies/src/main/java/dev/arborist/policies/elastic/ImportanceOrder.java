package dev.arborist.policies.elastic;

import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.Groups;
import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import dev.arborist.policies.structured.importance.BlockInfluenceImportance;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.GateWeightedFrequencyImportance;
import dev.arborist.policies.structured.importance.TopScores;
import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Puts every prunable unit in importance order without changing what the model computes, so each
 * elastic level keeps the most important units as a prefix:
 * <ul>
 *   <li>FFN channels of each dense MLP and expert: activation energy into down_proj times the
 *       column's weight norm (FLAP, An et al. 2024; Wanda-sp);
 *   <li>KV groups: the same score on o_proj's input over the group's query-head dims;
 *   <li>experts: gate-weighted routing frequency (SEER-MoE soft counting, Muzio et al. 2024).
 * </ul>
 * Layers cannot be reordered; {@link #layerSkipOrder} says which to skip first instead.
 */
public final class ImportanceOrder {
    public static final String METHOD = "elastic-permutation";

    private ImportanceOrder() {}

    /**
     * @param dense the dense model's named weights (read, never edited)
     * @return one permutation entry per group: KV groups, then FFN channels (by original expert
     *     index), then experts, the order in which they apply
     */
    public static PruningPlan permutation(TrafficStatistics stats, WeightEditor dense) {
        List<PlanEntry> entries = new ArrayList<>();
        TopScores byEnergy = new TopScores(new ChannelActivationImportance(stats, dense));
        int layers = dense.config().numLayers();
        for (int l = 0; l < layers; l++) {
            entries.add(new KvGroupPermutation(l, list(byEnergy.ranking(Groups.kvGroups(dense, l)))));
        }
        for (PruningGroup g : Groups.allFfnChannels(dense)) {
            entries.add(new ChannelPermutation(g.layer(), g.expert(), list(byEnergy.ranking(g))));
        }
        TopScores byRouting = new TopScores(new GateWeightedFrequencyImportance(stats));
        for (int l = 0; l < layers; l++) {
            if (Groups.isMoe(dense, l)) {
                entries.add(new ExpertPermutation(l, list(byRouting.ranking(Groups.experts(dense, l)))));
            }
        }
        return new PruningPlan(METHOD, Map.of(), entries);
    }

    /** Layers by ascending block influence, the first to skip first (ShortGPT, Men et al. 2024). */
    public static List<Integer> layerSkipOrder(TrafficStatistics stats, WeightEditor dense) {
        int[] mostImportantFirst = new TopScores(new BlockInfluenceImportance(stats)).ranking(Groups.layers(dense));
        List<Integer> order = new ArrayList<>(list(mostImportantFirst));
        Collections.reverse(order);
        return List.copyOf(order);
    }

    private static List<Integer> list(int[] units) {
        return Arrays.stream(units).boxed().toList();
    }
}
