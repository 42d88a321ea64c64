package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names every weight of a model with its Hugging Face tensor name, in checkpoint order. */
public final class WeightExport {
    private WeightExport() {}

    public static Map<String, NDArray> named(ModelConfig config, ModelWeights w) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(WeightNames.EMBED, w.embed());
        for (int l = 0; l < w.layers().size(); l++) {
            LayerWeights lw = w.layers().get(l);
            out.put(WeightNames.inputNorm(l), lw.inputNorm());
            AttentionWeights a = lw.attention();
            out.put(WeightNames.attention(l, "q"), a.q());
            out.put(WeightNames.attention(l, "k"), a.k());
            out.put(WeightNames.attention(l, "v"), a.v());
            out.put(WeightNames.attention(l, "o"), a.o());
            if (a.qBias() != null) {
                out.put(WeightNames.attentionBias(l, "q"), a.qBias());
                out.put(WeightNames.attentionBias(l, "k"), a.kBias());
                out.put(WeightNames.attentionBias(l, "v"), a.vBias());
            }
            out.put(WeightNames.postNorm(l), lw.postNorm());
            if (lw.isMoe()) {
                out.put(WeightNames.router(l), lw.moe().router());
                for (int e = 0; e < lw.moe().numExperts(); e++) {
                    MlpWeights x = lw.moe().experts().get(e);
                    out.put(WeightNames.expert(l, e, "w1"), x.gate());
                    out.put(WeightNames.expert(l, e, "w2"), x.down());
                    out.put(WeightNames.expert(l, e, "w3"), x.up());
                }
            } else {
                out.put(WeightNames.mlp(l, "gate"), lw.mlp().gate());
                out.put(WeightNames.mlp(l, "up"), lw.mlp().up());
                out.put(WeightNames.mlp(l, "down"), lw.mlp().down());
            }
        }
        out.put(WeightNames.FINAL_NORM, w.finalNorm());
        if (!(config.tieWordEmbeddings() && w.lmHead() == w.embed())) {
            out.put(WeightNames.LM_HEAD, w.lmHead());
        }
        return out;
    }
}
