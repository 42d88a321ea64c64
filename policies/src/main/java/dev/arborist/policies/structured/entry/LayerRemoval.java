package dev.arborist.policies.structured.entry;

import dev.arborist.model.nn.WeightNames;
import dev.arborist.policies.plan.EntryDecoder;
import dev.arborist.policies.plan.EntryEncoder;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.GroupSurgery;
import dev.arborist.policies.structured.Groups;

/** A whole decoder layer removed (ShortGPT, Men et al. 2024). */
public record LayerRemoval(int layer) implements PlanEntry {
    public static final String KIND = "layer-removal";

    public LayerRemoval {
        if (layer < 0) {
            throw new IllegalArgumentException("layer must be non-negative, got " + layer);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Zeroes the two projections that write into the residual stream (o_proj and every down/w2),
     * so the block adds nothing: out = x + 0 + 0, the identity.
     */
    @Override
    public void applyMasked(WeightEditor editor) {
        zero(editor, WeightNames.attention(layer, "o"));
        if (Groups.isMoe(editor, layer)) {
            for (int e = 0; e < Groups.experts(editor, layer).units(); e++) {
                zero(editor, WeightNames.expert(layer, e, "w2"));
            }
        } else {
            zero(editor, WeightNames.mlp(layer, "down"));
        }
    }

    @Override
    public void applyMaterialized(WeightEditor editor) {
        editor.get(WeightNames.inputNorm(layer)); // fails with the tensor name if the layer does not exist
        editor.removeLayer(layer);
    }

    @Override
    public void encode(EntryEncoder out) {
        out.json().put("layer", layer);
    }

    public static LayerRemoval decode(EntryDecoder in) {
        return new LayerRemoval(EntryJson.requiredInt(in.json(), "layer"));
    }

    private static void zero(WeightEditor editor, String name) {
        editor.put(name, GroupSurgery.owned(editor.manager().zeros(editor.get(name).getShape()), editor));
    }
}
