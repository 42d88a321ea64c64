package dev.arborist.policies.structured.importance;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.UnitKind;

/** An expert matters as often as the router picks it (frequency-based expert pruning). */
public record RoutingFrequencyImportance(TrafficStatistics stats) implements ImportanceCriterion {

    public RoutingFrequencyImportance(ActivationStatistics stats) {
        this(TrafficStatistics.of(stats));
    }

    @Override
    public double[] scores(PruningGroup group) {
        if (group.kind() != UnitKind.EXPERT) {
            throw new IllegalArgumentException("routing frequency scores experts, not " + group.kind());
        }
        long[] counts = stats.routingCounts(group.layer());
        double[] s = new double[group.units()];
        for (int e = 0; e < s.length; e++) {
            s[e] = counts[e];
        }
        return s;
    }
}
