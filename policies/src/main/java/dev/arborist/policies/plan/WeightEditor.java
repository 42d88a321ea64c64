package dev.arborist.policies.plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.config.ModelFormatException;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.WeightAssembler;
import dev.arborist.model.nn.WeightExport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named weights being edited by plan entries. Copy-on-write: the base model's arrays are never
 * modified, so the dense weights stay intact and every plan stays reversible. {@link #build()}
 * renumbers layers and experts that entries removed and derives the new config from the shapes.
 */
public final class WeightEditor {
    private static final Pattern LAYER = Pattern.compile("^model\\.layers\\.(\\d+)\\.(.*)$");
    private static final Pattern EXPERT = Pattern.compile("^block_sparse_moe\\.experts\\.(\\d+)\\.(.*)$");

    private final Map<String, NDArray> tensors;
    private final Map<Integer, Double> skipBetas = new TreeMap<>(); // layer -> MoeWeights.skipBeta (not a tensor)
    private final NDManager manager;
    private ModelConfig config;

    /** @param manager owns every array the edit creates */
    public WeightEditor(ModelConfig config, ModelWeights base, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.tensors = new LinkedHashMap<>(WeightExport.named(config, base));
        for (int l = 0; l < base.layers().size(); l++) {
            if (base.layers().get(l).isMoe()) {
                skipBetas.put(l, base.layers().get(l).moe().skipBeta());
            }
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new ModelFormatException("plan refers to tensor '" + name + "', which the model does not have");
        }
        return a;
    }

    /** Replaces a tensor; the new array must live in {@link #manager()} (or be a base array). */
    public void put(String name, NDArray value) {
        get(name);
        tensors.put(name, value);
    }

    public void remove(String name) {
        get(name);
        tensors.remove(name);
    }

    /** Sets the dynamic expert-skipping threshold of a MoE layer (see MoeWeights.skipBeta). */
    public void setSkipBeta(int layer, double beta) {
        if (!skipBetas.containsKey(layer)) {
            throw new ModelFormatException("layer " + layer + " has no mixture-of-experts block to set a skip beta on");
        }
        skipBetas.put(layer, beta);
    }

    /** Removes every tensor of a layer; {@link #build()} renumbers the layers after it. */
    public void removeLayer(int layer) {
        String prefix = "model.layers." + layer + ".";
        tensors.keySet().removeIf(n -> n.startsWith(prefix));
    }

    /** Weights and config after the edits, with layers and experts renumbered densely. */
    public Result build() {
        Map<String, NDArray> renamed = renumber();
        int layers = 0;
        int experts = 0;
        for (String name : renamed.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
                Matcher e = EXPERT.matcher(m.group(2));
                if (e.matches()) {
                    experts = Math.max(experts, Integer.parseInt(e.group(1)) + 1);
                }
            }
        }
        ModelConfig c = config;
        ModelConfig newConfig = new ModelConfig(c.architecture(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), layers,
                c.numHeads(), c.numKvHeads(), c.headDim(), c.maxPositions(), c.ropeTheta(), c.rmsNormEps(),
                c.tieWordEmbeddings(), c.isMoe() ? experts : 0, c.expertsPerToken(), c.bosTokenId(), c.eosTokenId());
        ModelWeights weights = WeightAssembler.assemble(newConfig, WeightAssembler.Tensors.of(renamed, "pruned model"));
        return new Result(newConfig, withSkipBetas(weights));
    }

    /** Carries the per-layer skip thresholds over to the surviving layers, renumbered. */
    private ModelWeights withSkipBetas(ModelWeights weights) {
        List<Integer> surviving = new ArrayList<>(layerIds());
        List<LayerWeights> layers = new ArrayList<>(weights.layers());
        for (int l = 0; l < layers.size(); l++) {
            double beta = skipBetas.getOrDefault(surviving.get(l), 0.0);
            LayerWeights w = layers.get(l);
            if (w.isMoe() && beta > 0) {
                layers.set(l, new LayerWeights(w.inputNorm(), w.attention(), w.postNorm(), null, w.moe().withSkipBeta(beta)));
            }
        }
        return weights.withLayers(layers);
    }

    private TreeSet<Integer> layerIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                ids.add(Integer.parseInt(m.group(1)));
            }
        }
        return ids;
    }

    /** @param config layer and expert counts match the weights; sizes may vary per layer */
    public record Result(ModelConfig config, ModelWeights weights) {}

    private Map<String, NDArray> renumber() {
        TreeSet<Integer> layerIds = new TreeSet<>();
        Map<Integer, TreeSet<Integer>> expertIds = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                int l = Integer.parseInt(m.group(1));
                layerIds.add(l);
                Matcher e = EXPERT.matcher(m.group(2));
                if (e.matches()) {
                    expertIds.computeIfAbsent(l, x -> new TreeSet<>()).add(Integer.parseInt(e.group(1)));
                }
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> t : tensors.entrySet()) {
            Matcher m = LAYER.matcher(t.getKey());
            if (!m.matches()) {
                out.put(t.getKey(), t.getValue());
                continue;
            }
            int l = Integer.parseInt(m.group(1));
            String rest = m.group(2);
            Matcher e = EXPERT.matcher(rest);
            if (e.matches()) {
                int newExpert = expertIds.get(l).headSet(Integer.parseInt(e.group(1))).size();
                rest = "block_sparse_moe.experts." + newExpert + "." + e.group(2);
            }
            out.put("model.layers." + layerIds.headSet(l).size() + "." + rest, t.getValue());
        }
        return out;
    }
}
