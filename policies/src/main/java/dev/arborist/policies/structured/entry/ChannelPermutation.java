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
 * Reorders the intermediate channels of one FFN without removing any: the function is unchanged
 * (SwiGLU is elementwise per channel), but sorting channels by importance makes every pruning
 * level a prefix slice, which elastic execution uses.
 *
 * @param expert the expert of a MoE layer, -1 for a dense MLP
 * @param order order.get(i) is the old channel that becomes channel i
 */
public record ChannelPermutation(int layer, int expert, List<Integer> order) implements PlanEntry {
    public static final String KIND = "ffn-permutation";

    public ChannelPermutation {
        order = List.copyOf(order);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        GroupSurgery.permute(editor, Groups.ffnChannels(editor, layer, expert), Units.toArray(order));
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer).put("expert", expert);
        EntryJson.putInts(json, "order", order);
    }

    public static ChannelPermutation decode(EntryDecoder in) {
        return new ChannelPermutation(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInt(in.json(), "expert"),
                EntryJson.requiredInts(in.json(), "order"));
    }
}
