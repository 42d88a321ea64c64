package dev.arborist.policies.structured;

import java.util.List;

/**
 * Coupled parameters pruned as one: scored as a whole and cut everywhere at once (Torch-Pruning's
 * {@code Group}). E.g. FFN channel c of expert e is row c of w1 and w3 and column c of w2.
 *
 * @param layer the decoder layer, -1 for a model-wide group (layers)
 * @param expert the expert for MoE FFN channels, -1 otherwise
 * @param units prunable units in the group
 * @param couplings the tensor dimensions the units span; empty when units are whole tensors
 */
public record PruningGroup(UnitKind kind, int layer, int expert, int units, List<Coupling> couplings) {

    public PruningGroup {
        couplings = List.copyOf(couplings);
        if (units < 1) {
            throw new IllegalArgumentException("a group needs at least one unit");
        }
    }

    /** The coupling on the matrix that reads the units (axis 1), or null if there is none. */
    public Coupling reader() {
        return couplings.stream().filter(c -> c.axis() == 1).findFirst().orElse(null);
    }
}
