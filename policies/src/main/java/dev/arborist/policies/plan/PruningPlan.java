package dev.arborist.policies.plan;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.ModelWeights;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * What a pruning method decided, independent of the weights it will be applied to: always derived
 * from and applied to the dense base model, never to a pruned copy.
 *
 * @param method the method's name, e.g. "wanda"
 * @param settings the request that produced it (sparsity, pattern, ...), for the manifest
 * @param entries the decisions, applied in order
 */
public record PruningPlan(String method, Map<String, String> settings, List<PlanEntry> entries) {

    public PruningPlan {
        settings = Map.copyOf(settings);
        entries = List.copyOf(entries);
    }

    /** The pruned model with every tensor at its dense shape (pruned weights are zero). */
    public WeightEditor.Result applyMasked(ModelConfig config, ModelWeights dense, NDManager manager) {
        WeightEditor editor = new WeightEditor(config, dense, manager);
        entries.forEach(e -> e.applyMasked(editor));
        return editor.build();
    }

    /** The pruned model with structurally pruned units physically removed. */
    public WeightEditor.Result applyMaterialized(ModelConfig config, ModelWeights dense, NDManager manager) {
        WeightEditor editor = new WeightEditor(config, dense, manager);
        entries.forEach(e -> e.applyMaterialized(editor));
        return editor.build();
    }
}
