package dev.arborist.model.nn;

import dev.arborist.model.instrument.LinearSite;

/** Hugging Face tensor names for Llama-family and Mixtral checkpoints. */
public final class WeightNames {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private WeightNames() {}

    public static String layer(int layer) {
        return "model.layers." + layer + ".";
    }

    public static String attention(int layer, String proj) {
        return layer(layer) + "self_attn." + proj + "_proj.weight";
    }

    public static String attentionBias(int layer, String proj) {
        return layer(layer) + "self_attn." + proj + "_proj.bias";
    }

    public static String inputNorm(int layer) {
        return layer(layer) + "input_layernorm.weight";
    }

    public static String postNorm(int layer) {
        return layer(layer) + "post_attention_layernorm.weight";
    }

    /** Dense MLP projection: gate, up or down. */
    public static String mlp(int layer, String proj) {
        return layer(layer) + "mlp." + proj + "_proj.weight";
    }

    public static String router(int layer) {
        return layer(layer) + "block_sparse_moe.gate.weight";
    }

    /** Mixtral expert projection: w1 (gate), w2 (down) or w3 (up). */
    public static String expert(int layer, int expert, String w) {
        return layer(layer) + "block_sparse_moe.experts." + expert + "." + w + ".weight";
    }

    /** The weight names that read the input of a linear site; expert is ignored for attention sites. */
    public static String[] readersOf(int layer, LinearSite site, int expert, boolean moe) {
        return switch (site) {
            case ATTN_QKV -> new String[] {attention(layer, "q"), attention(layer, "k"), attention(layer, "v")};
            case ATTN_OUT -> new String[] {attention(layer, "o")};
            case FFN_IN -> moe
                    ? new String[] {expert(layer, expert, "w1"), expert(layer, expert, "w3")}
                    : new String[] {mlp(layer, "gate"), mlp(layer, "up")};
            case FFN_OUT -> moe ? new String[] {expert(layer, expert, "w2")} : new String[] {mlp(layer, "down")};
        };
    }
}
