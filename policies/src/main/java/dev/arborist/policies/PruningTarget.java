package dev.arborist.policies;

import dev.arborist.model.runtime.LanguageModel;
import java.util.Map;

/**
 * The model to prune and how much.
 *
 * @param model the dense base model (never modified)
 * @param sparsity fraction of the targeted units to remove, in (0, 1)
 * @param options method-specific settings (pattern, OWL, beta, ...), already validated by the method
 */
public record PruningTarget(LanguageModel model, double sparsity, Map<String, String> options) {
    public PruningTarget {
        if (!(sparsity > 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in (0, 1), got " + sparsity);
        }
        options = Map.copyOf(options);
    }
}
