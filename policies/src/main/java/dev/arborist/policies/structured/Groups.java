package dev.arborist.policies.structured;

import dev.arborist.model.nn.WeightNames;
import dev.arborist.policies.plan.WeightEditor;
import java.util.ArrayList;
import java.util.List;

/**
 * The dependency graph of a Llama/Mixtral decoder, written out: which rows and columns move
 * together when a unit is pruned. Sizes are read from the tensors' shapes, so groups of an
 * already narrowed model are correct too.
 */
public final class Groups {
    private Groups() {}

    /**
     * FFN channel c = row c of gate (w1) and up (w3), column c of down (w2).
     *
     * @param expert the expert of a MoE layer, -1 for a dense MLP
     */
    public static PruningGroup ffnChannels(WeightEditor weights, int layer, int expert) {
        String gate = expert < 0 ? WeightNames.mlp(layer, "gate") : WeightNames.expert(layer, expert, "w1");
        String up = expert < 0 ? WeightNames.mlp(layer, "up") : WeightNames.expert(layer, expert, "w3");
        String down = expert < 0 ? WeightNames.mlp(layer, "down") : WeightNames.expert(layer, expert, "w2");
        int width = (int) weights.get(gate).getShape().get(0); // gate (f, d)
        return new PruningGroup(UnitKind.FFN_CHANNEL, layer, expert, width,
                List.of(new Coupling(gate, 0, 1), new Coupling(up, 0, 1), new Coupling(down, 1, 1)));
    }

    /**
     * KV group g = rows of KV head g in k_proj and v_proj (and their biases), the rows of the
     * query heads that read it (heads g*G .. g*G+G-1, contiguous because head h reads KV head h/G)
     * and the matching columns of o_proj.
     */
    public static PruningGroup kvGroups(WeightEditor weights, int layer) {
        int hs = weights.config().headDim();
        String q = WeightNames.attention(layer, "q");
        long qRows = weights.get(q).getShape().get(0); // (nh*hs, d)
        long kRows = weights.get(WeightNames.attention(layer, "k")).getShape().get(0); // (nkv*hs, d)
        int groups = (int) (kRows / hs);
        int queryWidth = (int) (qRows / groups); // G*hs query rows per KV head
        List<Coupling> couplings = new ArrayList<>(List.of(
                new Coupling(q, 0, queryWidth),
                new Coupling(WeightNames.attention(layer, "k"), 0, hs),
                new Coupling(WeightNames.attention(layer, "v"), 0, hs),
                new Coupling(WeightNames.attention(layer, "o"), 1, queryWidth)));
        if (weights.contains(WeightNames.attentionBias(layer, "q"))) { // Qwen2
            couplings.add(new Coupling(WeightNames.attentionBias(layer, "q"), 0, queryWidth));
            couplings.add(new Coupling(WeightNames.attentionBias(layer, "k"), 0, hs));
            couplings.add(new Coupling(WeightNames.attentionBias(layer, "v"), 0, hs));
        }
        return new PruningGroup(UnitKind.KV_GROUP, layer, -1, groups, couplings);
    }

    /** Expert e = router row e plus the whole w1/w2/w3 tensors of expert e (removed by name). */
    public static PruningGroup experts(WeightEditor weights, int layer) {
        String router = WeightNames.router(layer);
        int experts = (int) weights.get(router).getShape().get(0); // (E, d)
        return new PruningGroup(UnitKind.EXPERT, layer, -1, experts, List.of(new Coupling(router, 0, 1)));
    }

    /** Every decoder layer as one unit; its tensors are removed by name. */
    public static PruningGroup layers(WeightEditor weights) {
        return new PruningGroup(UnitKind.LAYER, -1, -1, weights.config().numLayers(), List.of());
    }

    /** One FFN group per dense layer and one per expert of each MoE layer, in layer order. */
    public static List<PruningGroup> allFfnChannels(WeightEditor weights) {
        List<PruningGroup> out = new ArrayList<>();
        for (int l = 0; l < weights.config().numLayers(); l++) {
            if (isMoe(weights, l)) {
                for (int e = 0; e < experts(weights, l).units(); e++) {
                    out.add(ffnChannels(weights, l, e));
                }
            } else {
                out.add(ffnChannels(weights, l, -1));
            }
        }
        return out;
    }

    public static boolean isMoe(WeightEditor weights, int layer) {
        return weights.contains(WeightNames.router(layer));
    }
}
