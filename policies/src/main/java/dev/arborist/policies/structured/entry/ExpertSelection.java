package dev.arborist.policies.structured.entry;

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
 * The experts kept in one MoE layer: the others lose their w1/w2/w3 and their router row, and the
 * router's softmax and top-k then run over the survivors only (NAEE, Lu et al. 2024).
 *
 * @param kept expert indices, strictly increasing
 */
public record ExpertSelection(int layer, List<Integer> kept) implements PlanEntry {
    public static final String KIND = "experts";

    public ExpertSelection {
        kept = Units.ascending(kept, "experts of layer " + layer);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Same as {@link #applyMaterialized}: expert removal has no shape-preserving form, because a
     * zeroed expert would still be picked by the router and take one of the token's k slots.
     */
    @Override
    public void applyMasked(WeightEditor editor) {
        applyMaterialized(editor);
    }

    @Override
    public void applyMaterialized(WeightEditor editor) {
        PruningGroup group = Groups.experts(editor, layer);
        int[] keep = Units.toArray(kept);
        GroupSurgery.keep(editor, group, keep); // router rows; validates the indices
        for (int e = 0; e < group.units(); e++) {
            if (!kept.contains(e)) {
                for (String w : new String[] {"w1", "w2", "w3"}) {
                    editor.remove(WeightNames.expert(layer, e, w));
                }
            }
        }
    }

    @Override
    public void encode(EntryEncoder out) {
        ObjectNode json = out.json().put("layer", layer);
        EntryJson.putInts(json, "kept", kept);
    }

    public static ExpertSelection decode(EntryDecoder in) {
        return new ExpertSelection(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredInts(in.json(), "kept"));
    }
}
