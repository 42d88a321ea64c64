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
 * The KV groups kept in one attention block: per group its k/v rows, the rows of the query heads
 * that read it and the matching o_proj columns (see {@link Groups#kvGroups}).
 *
 * @param kept KV head indices, strictly increasing
 */
public record HeadSelection(int layer, List<Integer> kept) implements PlanEntry {
    public static final String KIND = "kv-heads";

    public HeadSelection {
        kept = Units.ascending(kept, "KV heads of layer " + layer);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        GroupSurgery.zeroAllBut(editor, Groups.kvGroups(editor, layer), Units.toArray(kept));
    }

    @Override
    public void applyMaterialized(WeightEditor editor) {
        GroupSurgery.keep(editor, Groups.kvGroups(editor, layer), Units.toArray(kept));
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer);
        EntryJson.putInts(json, "kept", kept);
    }

    public static HeadSelection decode(EntryDecoder in) {
        return new HeadSelection(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInts(in.json(), "kept"));
    }
}
