package dev.arborist.policies.plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * Unstructured, N:M or block pruning of one weight matrix without touching the weights it keeps
 * (magnitude, Wanda, gradient saliency). Stored as 1 bit per weight.
 */
public record TensorMask(String tensor, Mask mask) implements PlanEntry {
    public static final String KIND = "mask";

    public TensorMask {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(mask, "mask");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void applyMasked(WeightEditor editor) {
        NDArray w = MaskCodec.target(editor, tensor, mask);
        NDArray keep = editor.manager().create(mask.keepFactors(), new Shape(mask.rows(), mask.cols()));
        editor.put(tensor, keep.mul(w)); // keep first: the product lives in the editor's manager
    }

    @Override
    public void encode(EntryEncoder out) {
        MaskCodec.encode(out, tensor, mask);
    }

    public static TensorMask decode(EntryDecoder in) {
        return new TensorMask(MaskCodec.tensor(in), MaskCodec.decode(in));
    }
}
