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
 * The intermediate channels kept in one FFN: rows of gate/up and columns of down.
 *
 * @param expert the expert of a MoE layer, -1 for a dense MLP
 * @param kept channel indices, strictly increasing
 */
public record ChannelSelection(int layer, int expert, List<Integer> kept) implements PlanEntry {
    public static final String KIND = "ffn-channels";

    public ChannelSelection {
        kept = Units.ascending(kept, "FFN channels of layer " + layer + " expert " + expert);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        GroupSurgery.zeroAllBut(editor, Groups.ffnChannels(editor, layer, expert), Units.toArray(kept));
    }

    @Override
    public void applyMaterialized(WeightEditor editor) {
        GroupSurgery.keep(editor, Groups.ffnChannels(editor, layer, expert), Units.toArray(kept));
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer).put("expert", expert);
        EntryJson.putInts(json, "kept", kept);
    }

    public static ChannelSelection decode(EntryDecoder in) {
        return new ChannelSelection(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInt(in.json(), "expert"),
                EntryJson.requiredInts(in.json(), "kept"));
    }
}
