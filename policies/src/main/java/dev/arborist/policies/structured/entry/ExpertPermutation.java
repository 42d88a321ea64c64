package dev.arborist.policies.structured.entry;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.nn.WeightNames;
import dev.arborist.policies.plan.EntryDecoder;
import dev.arborist.policies.plan.EntryEncoder;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.GroupSurgery;
import dev.arborist.policies.structured.Groups;
import dev.arborist.policies.structured.PruningGroup;
import java.util.List;

/**
 * Reorders the experts of one MoE layer without removing any: router row e and expert e's
 * w1/w2/w3 move together, so routing picks the same weights and the function is unchanged. With
 * experts in importance order, keeping the first e experts is a prefix slice (elastic execution).
 *
 * @param order order.get(i) is the old expert that becomes expert i
 */
public record ExpertPermutation(int layer, List<Integer> order) implements PlanEntry {
    public static final String KIND = "expert-permutation";
    private static final String[] PROJECTIONS = {"w1", "w2", "w3"};

    public ExpertPermutation {
        order = List.copyOf(order);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        PruningGroup group = Groups.experts(editor, layer);
        int[] units = Units.toArray(order);
        GroupSurgery.permute(editor, group, units); // router rows; validates the permutation
        for (String w : PROJECTIONS) { // read every expert's tensor before renaming any
            NDArray[] old = new NDArray[units.length];
            for (int i = 0; i < units.length; i++) {
                old[i] = editor.get(WeightNames.expert(layer, units[i], w));
            }
            for (int i = 0; i < units.length; i++) {
                editor.put(WeightNames.expert(layer, i, w), old[i]);
            }
        }
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer);
        EntryJson.putInts(json, "order", order);
    }

    public static ExpertPermutation decode(EntryDecoder in) {
        return new ExpertPermutation(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInts(in.json(), "order"));
    }
}
