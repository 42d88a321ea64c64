package dev.arborist.policies.structured.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.policies.plan.EntryDecoder;
import dev.arborist.policies.plan.EntryEncoder;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.GroupSurgery;
import dev.arborist.policies.structured.Groups;
import java.util.List;

/**
 * Reorders the KV groups of one attention block without removing any: each KV head moves with the
 * query heads that read it and their o_proj columns (see {@link Groups#kvGroups}), so every query
 * still meets its own keys and the function is unchanged. With groups in importance order, keeping
 * the first g groups is a prefix slice (elastic execution).
 *
 * @param order order.get(i) is the old KV group that becomes group i
 */
public record KvGroupPermutation(int layer, List<Integer> order) implements PlanEntry {
    public static final String KIND = "kv-permutation";

    public KvGroupPermutation {
        order = List.copyOf(order);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        GroupSurgery.permute(editor, Groups.kvGroups(editor, layer), Units.toArray(order));
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer);
        EntryJson.putInts(json, "order", order);
    }

    public static KvGroupPermutation decode(EntryDecoder in) {
        return new KvGroupPermutation(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInts(in.json(), "order"));
    }
}
