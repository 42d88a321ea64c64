package dev.arborist.policies.structured.entry;

import dev.arborist.policies.plan.EntryDecoder;
import dev.arborist.policies.plan.EntryEncoder;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;

/**
 * Dynamic expert skipping for one MoE layer (NAEE, Lu et al. 2024): a token's non-first expert is
 * not run when its gate is below {@code beta} times the first one's. Nothing is removed, so the
 * masked and materialized forms are the same.
 */
public record ExpertSkip(int layer, double beta) implements PlanEntry {
    public static final String KIND = "expert-skip";

    public ExpertSkip {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("skip beta of layer " + layer + " must be in [0, 1], got " + beta);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        editor.setSkipBeta(layer, beta);
    }

    @Override
    public void encode(EntryEncoder out) {
        out.json().put("layer", layer).put("beta", beta);
    }

    public static ExpertSkip decode(EntryDecoder in) {
        return new ExpertSkip(EntryJson.requiredInt(in.json(), "layer"), EntryJson.requiredDouble(in.json(), "beta"));
    }
}
