package dev.arborist.policies.elastic;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What elastic serving needs from a dense base model: the function-preserving permutation that puts
 * units in importance order (applied once), the ladder of levels over the permuted weights, and
 * the order in which layers are skipped.
 *
 * @param permutation permutation entries only ({@link ImportanceOrder#permutation})
 * @param layerSkipOrder every layer once, the first to skip first
 */
public record ElasticPlan(PruningPlan permutation, List<Integer> layerSkipOrder, Ladder ladder) {

    public ElasticPlan {
        layerSkipOrder = List.copyOf(layerSkipOrder);
        for (PlanEntry e : permutation.entries()) {
            if (!(e instanceof ChannelPermutation || e instanceof ExpertPermutation || e instanceof KvGroupPermutation)) {
                throw new IllegalArgumentException("an elastic plan only reorders units; entry kind '" + e.kind() + "' changes the model");
            }
        }
    }

    /** @throws IllegalArgumentException unless the skip order and every rung fit the model */
    public ElasticPlan requireFits(ModelConfig config) {
        List<Integer> sorted = layerSkipOrder.stream().sorted().toList();
        if (!sorted.equals(IntStream.range(0, config.numLayers()).boxed().toList())) {
            throw new IllegalArgumentException("layer skip order " + layerSkipOrder + " must list each of the model's "
                    + config.numLayers() + " layers once");
        }
        ladder.requireFits(config);
        return this;
    }

    /** The base model's weights in importance order (a copy in {@code manager}; the base stays as it is). */
    public WeightEditor.Result permutedWeights(LanguageModel base, NDManager manager) {
        return permutation.applyMaterialized(base.config(), base.transformer().weights(), manager);
    }

    /**
     * The permuted model, ready to run at any rung's level: {@code model.at(ladder().rung(i).level())}.
     *
     * @param manager owns the permuted weights and the level views; close it to free them
     */
    public ElasticModel apply(LanguageModel base, NDManager manager) {
        requireFits(base.config());
        return new ElasticModel(base.transformer().withWeights(permutedWeights(base, manager).weights()), manager);
    }
}
