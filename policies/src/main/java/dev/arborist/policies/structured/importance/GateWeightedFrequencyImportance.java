package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.UnitKind;

/**
 * Soft counting of SEER-MoE (Muzio et al. 2024): an expert matters as often as the router picks it,
 * each pick weighted by its gate, S_e = sum over tokens routed to e of g_e = count_e * mean gate_e.
 * A pick with a small gate contributes little to the layer's output, so it counts little. Ties
 * (e.g. experts never picked) fall back to the plain count.
 */
public record GateWeightedFrequencyImportance(TrafficStatistics stats) implements ImportanceCriterion {
    /** Weight of the plain count: breaks ties only, far below any gate sum of a routed expert. */
    private static final double COUNT_TIE_BREAK = 1e-9;

    @Override
    public double[] scores(PruningGroup group) {
        if (group.kind() != UnitKind.EXPERT) {
            throw new IllegalArgumentException("gate-weighted routing frequency scores experts, not " + group.kind());
        }
        long[] counts = stats.routingCounts(group.layer());
        double[] gates = stats.gateSums(group.layer());
        if (counts.length != group.units() || gates.length != group.units()) {
            throw new IllegalArgumentException("layer " + group.layer() + " has " + group.units() + " experts but its statistics cover "
                    + counts.length);
        }
        double[] s = new double[group.units()];
        for (int e = 0; e < s.length; e++) {
            s[e] = gates[e] + COUNT_TIE_BREAK * counts[e];
        }
        return s;
    }
}
