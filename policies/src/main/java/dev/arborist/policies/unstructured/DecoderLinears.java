package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.WeightNames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The weights unstructured methods prune: every linear inside a decoder layer (attention q/k/v/o,
 * the dense MLP or every expert's w1/w2/w3), each with the site whose input it reads. Embeddings,
 * lm_head and the router stay dense.
 */
public final class DecoderLinears {
    private DecoderLinears() {}

    /**
     * @param layer the layer's structure (dense or MoE, how many experts)
     * @param arrays the current value of each named tensor
     */
    public static List<PrunableWeight> of(int index, LayerWeights layer, Function<String, NDArray> arrays) {
        List<PrunableWeight> out = new ArrayList<>();
        boolean moe = layer.isMoe();
        for (LinearSite site : LinearSite.values()) {
            boolean perExpert = moe && (site == LinearSite.FFN_IN || site == LinearSite.FFN_OUT);
            int experts = perExpert ? layer.moe().numExperts() : 1;
            for (int e = 0; e < experts; e++) {
                int expert = perExpert ? e : -1;
                for (String name : WeightNames.readersOf(index, site, expert, moe)) {
                    out.add(new PrunableWeight(name, new SiteKey(index, site, expert), arrays.apply(name)));
                }
            }
        }
        return out;
    }

    /** Every prunable weight of the model, layer by layer. */
    public static List<PrunableWeight> all(ModelWeights weights, Function<String, NDArray> arrays) {
        List<PrunableWeight> out = new ArrayList<>();
        for (int l = 0; l < weights.layers().size(); l++) {
            out.addAll(of(l, weights.layers().get(l), arrays));
        }
        return out;
    }
}
