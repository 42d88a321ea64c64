package dev.arborist.policies.structured;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.importance.UnitSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** What every structured method shares: sizing, selecting per group, settings and options. */
final class GroupPruning {
    private GroupPruning() {}

    /** The dense model's weights by name, for reading shapes and values (never edited). */
    static WeightEditor denseView(LanguageModel model) {
        return new WeightEditor(model.config(), model.transformer().weights(), model.manager());
    }

    /** Units kept when removing the fraction {@code sparsity}: units - round(units * s), at least {@code minimum}. */
    static int keepCount(int units, double sparsity, int minimum) {
        return Math.min(units, Math.max(minimum, units - (int) Math.round(units * sparsity)));
    }

    /** Keeps the top (1 - s) of every group's units (at least {@code minimum}); one entry per group. */
    static List<PlanEntry> selectAll(List<PruningGroup> groups, UnitSelector selector, double sparsity, int minimum,
                                     int layers, PruningProgress progress, BiFunction<PruningGroup, List<Integer>, PlanEntry> entry) {
        List<PlanEntry> entries = new ArrayList<>();
        for (PruningGroup g : groups) {
            int[] kept = selector.keep(g, keepCount(g.units(), sparsity, minimum));
            entries.add(entry.apply(g, Arrays.stream(kept).boxed().toList()));
            progress.layersDone(g.layer() + 1, layers);
        }
        return entries;
    }

    /** The request as recorded in the plan: sparsity plus the method's options. */
    static Map<String, String> settings(PruningTarget target) {
        Map<String, String> s = new LinkedHashMap<>(target.options());
        s.put("sparsity", Double.toString(target.sparsity()));
        return s;
    }

    /** Rejects options the method does not know, naming the ones it does. */
    static void allowOptions(String method, PruningTarget target, Set<String> known) {
        List<String> unknown = target.options().keySet().stream().filter(k -> !known.contains(k)).sorted().collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(method + " does not take option(s) " + unknown
                    + (known.isEmpty() ? "; it takes none" : "; it takes " + known));
        }
    }

    static void requireMoe(String method, LanguageModel model) {
        if (!model.config().isMoe()) {
            throw new IllegalArgumentException(method + " needs a mixture-of-experts model; "
                    + model.config().architecture().hfName() + " has no experts");
        }
    }
}
