package dev.arborist.policies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.arborist.policies.plan.WeightEditor;
import java.util.Arrays;

/**
 * Applies a unit selection to every coupling of a group at once, so the coupled parameters never
 * disagree (Torch-Pruning's per-layer pruning functions, reduced to row/column selection).
 */
public final class GroupSurgery {
    private GroupSurgery() {}

    /**
     * Keeps only {@code units}, in the given order, along every coupling: with a subset the
     * matrices shrink, with every unit in a new order they are permuted (function-preserving).
     */
    public static void keep(WeightEditor editor, PruningGroup group, int[] units) {
        requireValid(group, units);
        try (NDManager scratch = editor.manager().newSubManager()) {
            for (Coupling c : group.couplings()) {
                NDArray index = scratch.create(c.indices(units));
                NDArray t = editor.get(c.tensor());
                NDArray kept = c.axis() == 0 ? t.get(new NDIndex("{}", index)) : t.get(new NDIndex(":, {}", index));
                editor.put(c.tensor(), owned(kept, editor));
            }
        }
    }

    /** Zeroes every unit not in {@code kept}; every tensor keeps its shape. */
    public static void zeroAllBut(WeightEditor editor, PruningGroup group, int[] kept) {
        requireValid(group, kept);
        boolean[] keep = new boolean[group.units()];
        for (int u : kept) {
            keep[u] = true;
        }
        try (NDManager scratch = editor.manager().newSubManager()) {
            for (Coupling c : group.couplings()) {
                float[] mask = new float[group.units() * c.width()];
                for (int u = 0; u < group.units(); u++) {
                    Arrays.fill(mask, u * c.width(), (u + 1) * c.width(), keep[u] ? 1f : 0f);
                }
                NDArray t = editor.get(c.tensor());
                NDArray m = scratch.create(mask);
                if (t.getShape().dimension() == 2) {
                    m = c.axis() == 0 ? m.reshape(-1, 1) : m.reshape(1, -1); // broadcast over the other axis
                }
                editor.put(c.tensor(), owned(t.mul(m), editor));
            }
        }
    }

    /** Reorders the units of a group; {@code order[i]} is the old unit that becomes unit i. */
    public static void permute(WeightEditor editor, PruningGroup group, int[] order) {
        if (order.length != group.units()) {
            throw new IllegalArgumentException("a permutation of " + group.units() + " units has " + order.length + " entries");
        }
        keep(editor, group, order);
    }

    /**
     * Moves a result into the editor's manager (ops attach it to their input's, possibly the base
     * model's) and out of any enclosing NDScope, which would otherwise free it with the step.
     */
    public static NDArray owned(NDArray result, WeightEditor editor) {
        NDScope.unregister(result);
        result.attach(editor.manager());
        return result;
    }

    private static void requireValid(PruningGroup group, int[] units) {
        boolean[] seen = new boolean[group.units()];
        for (int u : units) {
            if (u < 0 || u >= group.units() || seen[u]) {
                throw new IllegalArgumentException("unit " + u + " is out of range or repeated in a " + group.kind()
                        + " group of " + group.units() + " units (layer " + group.layer() + ")");
            }
            seen[u] = true;
        }
        if (units.length == 0) {
            throw new IllegalArgumentException("a " + group.kind() + " group must keep at least one unit");
        }
    }
}
