package dev.arborist.policies.plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.runtime.LanguageModel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The sparsity a plan achieves, measured on the weights it produces (any kind of entry): the share
 * of zeros in every tensor the plan changes.
 *
 * @param tensors tensor name -> fraction of zeros, in checkpoint order
 * @param zeros zeros over the changed tensors
 * @param total weights in the changed tensors
 */
public record SparsityReport(Map<String, Double> tensors, long zeros, long total) {

    public SparsityReport {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Zeros over all changed tensors; 0 when the plan changes nothing. */
    public double overall() {
        return total == 0 ? 0 : zeros / (double) total;
    }

    public static SparsityReport measure(PruningPlan plan, LanguageModel base) {
        Set<NDArray> unchanged = Collections.newSetFromMap(new IdentityHashMap<>());
        unchanged.addAll(WeightExport.named(base.config(), base.transformer().weights()).values());
        Map<String, Double> tensors = new LinkedHashMap<>();
        long zeros = 0;
        long total = 0;
        try (NDManager m = base.manager().newSubManager()) {
            WeightEditor.Result pruned = plan.applyMasked(base.config(), base.transformer().weights(), m);
            for (Map.Entry<String, NDArray> e : WeightExport.named(pruned.config(), pruned.weights()).entrySet()) {
                NDArray a = e.getValue();
                if (!unchanged.contains(a)) {
                    long z = a.size() - a.countNonzero().getLong();
                    tensors.put(e.getKey(), z / (double) a.size());
                    zeros += z;
                    total += a.size();
                }
            }
        }
        return new SparsityReport(tensors, zeros, total);
    }
}
