package dev.arborist.policies.plan;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/** The mask part shared by {@link TensorMask} and {@link TensorUpdate}: JSON fields, packed bits, shape checks. */
final class MaskCodec {
    private MaskCodec() {}

    static void encode(EntryEncoder out, String tensor, Mask mask) {
        ObjectNode json = out.json();
        json.put("tensor", tensor);
        json.put("rows", mask.rows());
        json.put("cols", mask.cols());
        json.put("sparsity", mask.sparsity());
        json.put("kept_bits", out.bytes(tensor + ".kept", mask.packKept()));
    }

    static String tensor(EntryDecoder in) {
        return field(in.json(), "tensor").asText();
    }

    static Mask decode(EntryDecoder in) {
        JsonNode json = in.json();
        return Mask.unpackKept(field(json, "rows").asInt(), field(json, "cols").asInt(), in.bytes(field(json, "kept_bits").asText()));
    }

    /** The tensor the mask applies to, after checking that it is the mask's shape. */
    static NDArray target(WeightEditor editor, String tensor, Mask mask) {
        NDArray w = editor.get(tensor);
        long[] shape = w.getShape().getShape();
        if (shape.length != 2 || shape[0] != mask.rows() || shape[1] != mask.cols()) {
            throw new IllegalArgumentException("plan has a " + mask.rows() + " x " + mask.cols() + " mask for '" + tensor
                    + "', but the model's tensor has shape " + Arrays.toString(shape));
        }
        return w;
    }

    static JsonNode field(JsonNode json, String name) {
        JsonNode n = json.get(name);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("plan entry " + json + " lacks the field '" + name + "'");
        }
        return n;
    }
}
