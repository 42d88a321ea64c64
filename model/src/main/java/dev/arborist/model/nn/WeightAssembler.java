package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.config.ModelFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link ModelWeights} from named tensors and checks every shape. Per-layer sizes (heads,
 * FFN width, experts) are read from the tensors rather than the config, so a structurally pruned
 * checkpoint with narrower layers loads as it is.
 */
public final class WeightAssembler {
    private static final long ANY = -1;

    /** Where named tensors come from; {@code origin} names the file for error messages. */
    public interface Tensors {
        NDArray get(String name);

        boolean contains(String name);

        String origin(String name);

        /** Tensors held in a map; {@code origin} describes where they came from in error messages. */
        static Tensors of(java.util.Map<String, NDArray> map, String origin) {
            return new Tensors() {
                @Override
                public NDArray get(String name) {
                    return map.get(name);
                }

                @Override
                public boolean contains(String name) {
                    return map.containsKey(name);
                }

                @Override
                public String origin(String name) {
                    return origin;
                }
            };
        }
    }

    private final ModelConfig config;
    private final Tensors tensors;

    private WeightAssembler(ModelConfig config, Tensors tensors) {
        this.config = config;
        this.tensors = tensors;
    }

    public static ModelWeights assemble(ModelConfig config, Tensors tensors) {
        return new WeightAssembler(config, tensors).build();
    }

    private ModelWeights build() {
        long d = config.hiddenSize();
        NDArray embed = read(WeightNames.EMBED, config.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            layers.add(layer(l));
        }
        NDArray norm = read(WeightNames.FINAL_NORM, d);
        NDArray head = config.tieWordEmbeddings() && !tensors.contains(WeightNames.LM_HEAD)
                ? embed
                : read(WeightNames.LM_HEAD, config.vocabSize(), d);
        return new ModelWeights(embed, layers, norm, head);
    }

    private LayerWeights layer(int l) {
        long d = config.hiddenSize();
        NDArray inputNorm = read(WeightNames.inputNorm(l), d);
        NDArray postNorm = read(WeightNames.postNorm(l), d);
        AttentionWeights attention = attention(l);
        if (!config.isMoe()) {
            return new LayerWeights(inputNorm, attention, postNorm,
                    mlp(WeightNames.mlp(l, "gate"), WeightNames.mlp(l, "up"), WeightNames.mlp(l, "down")), null);
        }
        NDArray router = read(WeightNames.router(l), ANY, d);
        int experts = (int) router.getShape().get(0);
        if (experts < config.expertsPerToken()) {
            throw error(WeightNames.router(l), "has " + experts + " experts, fewer than num_experts_per_tok=" + config.expertsPerToken());
        }
        List<MlpWeights> list = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            list.add(mlp(WeightNames.expert(l, e, "w1"), WeightNames.expert(l, e, "w3"), WeightNames.expert(l, e, "w2")));
        }
        return new LayerWeights(inputNorm, attention, postNorm, null, new MoeWeights(router, list, config.expertsPerToken()));
    }

    private AttentionWeights attention(int l) {
        long d = config.hiddenSize();
        int hs = config.headDim();
        NDArray q = read(WeightNames.attention(l, "q"), ANY, d);
        NDArray k = read(WeightNames.attention(l, "k"), ANY, d);
        NDArray v = read(WeightNames.attention(l, "v"), k.getShape().get(0), d);
        long qRows = q.getShape().get(0);
        long kRows = k.getShape().get(0);
        if (qRows % hs != 0 || kRows % hs != 0 || (qRows / hs) % (kRows / hs) != 0) {
            throw error(WeightNames.attention(l, "q"), "and k_proj have " + qRows + " and " + kRows
                    + " rows: expected multiples of head_dim=" + hs + " with query heads a multiple of KV heads");
        }
        NDArray o = read(WeightNames.attention(l, "o"), d, qRows);
        NDArray qb = null;
        NDArray kb = null;
        NDArray vb = null;
        if (config.architecture().qkvBias()) {
            qb = read(WeightNames.attentionBias(l, "q"), qRows);
            kb = read(WeightNames.attentionBias(l, "k"), kRows);
            vb = read(WeightNames.attentionBias(l, "v"), kRows);
        }
        return new AttentionWeights(q, k, v, o, qb, kb, vb);
    }

    private MlpWeights mlp(String gateName, String upName, String downName) {
        long d = config.hiddenSize();
        NDArray gate = read(gateName, ANY, d);
        long f = gate.getShape().get(0);
        return new MlpWeights(gate, read(upName, f, d), read(downName, d, f));
    }

    private NDArray read(String name, long... expected) {
        if (!tensors.contains(name)) {
            throw new ModelFormatException(tensors.origin(name) + ": missing tensor '" + name + "'");
        }
        NDArray a = tensors.get(name);
        long[] shape = a.getShape().getShape();
        boolean ok = shape.length == expected.length;
        for (int i = 0; ok && i < shape.length; i++) {
            ok = expected[i] == ANY || expected[i] == shape[i];
        }
        if (!ok) {
            throw error(name, "has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected).replace("-1", "*"));
        }
        return a;
    }

    private ModelFormatException error(String name, String problem) {
        return new ModelFormatException(tensors.origin(name) + ": tensor '" + name + "' " + problem);
    }
}
