package dev.arborist.policies.plan;

/**
 * One decision of a pruning plan about one coupled group of weights: a mask on a tensor, the FFN
 * channels kept in one expert, the heads kept in one layer, a removed layer... Each entry knows how
 * to apply itself to the dense weights, either keeping shapes (pruned units zeroed) or physically
 * removing what it prunes.
 */
public interface PlanEntry {

    /** Stable tag used in manifest.json and plan.safetensors (e.g. "mask", "ffn-channels"). */
    String kind();

    /** Zeroes what this entry prunes; every tensor keeps its shape. */
    void applyMasked(WeightEditor editor);

    /** Removes what this entry prunes so the matrices shrink and run faster. Defaults to masking. */
    default void applyMaterialized(WeightEditor editor) {
        applyMasked(editor);
    }

    /** Writes the entry's parameters and tensors; {@link PlanEntryCodecs} reads them back. */
    void encode(EntryEncoder out);
}
