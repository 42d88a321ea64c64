package dev.arborist.policies.plan;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * A pruned weight matrix whose kept weights were also changed, as SparseGPT's compensation does
 * (Frantar &amp; Alistarh 2023). Stored as the mask plus the kept values only, in row-major order.
 *
 * @param kept (keptCount) the new values of the kept weights, row-major
 */
public record TensorUpdate(String tensor, Mask mask, float[] kept) implements PlanEntry {
    public static final String KIND = "update";

    public TensorUpdate {
        Objects.requireNonNull(tensor, "tensor");
        if (kept.length != mask.keptCount()) {
            throw new IllegalArgumentException("update of '" + tensor + "' has " + kept.length + " values for "
                    + mask.keptCount() + " kept weights");
        }
    }

    /** @param weights (rows, cols) row-major, the full updated matrix; values at pruned positions are dropped */
    public static TensorUpdate of(String tensor, Mask mask, float[] weights) {
        float[] kept = new float[mask.keptCount()];
        int k = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!mask.isPruned(i)) {
                kept[k++] = weights[i];
            }
        }
        return new TensorUpdate(tensor, mask, kept);
    }

    /** @return (rows, cols) row-major, zero where pruned */
    public float[] dense() {
        float[] w = new float[mask.size()];
        int k = 0;
        for (int i = 0; i < w.length; i++) {
            if (!mask.isPruned(i)) {
                w[i] = kept[k++];
            }
        }
        return w;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        MaskCodec.target(editor, tensor, mask);
        editor.put(tensor, editor.manager().create(dense(), new Shape(mask.rows(), mask.cols())));
    }

    @Override
    public void encode(EntryEncoder out) {
        MaskCodec.encode(out, tensor, mask);
        out.json().put("kept_values", out.tensor(tensor + ".values", new long[] {kept.length}, kept));
    }

    public static TensorUpdate decode(EntryDecoder in) {
        return new TensorUpdate(MaskCodec.tensor(in), MaskCodec.decode(in), in.tensor(MaskCodec.field(in.json(), "kept_values").asText()));
    }
}
