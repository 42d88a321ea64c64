package dev.arborist.policies.structured.importance;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.UnitKind;

/**
 * ShortGPT's block influence (Men et al. 2024): a layer matters as much as it turns its input,
 * BI = mean over tokens of 1 - cos(in, out). Layers with the lowest BI are removed first.
 */
public record BlockInfluenceImportance(TrafficStatistics stats) implements ImportanceCriterion {

    public BlockInfluenceImportance(ActivationStatistics stats) {
        this(TrafficStatistics.of(stats));
    }

    @Override
    public double[] scores(PruningGroup group) {
        if (group.kind() != UnitKind.LAYER) {
            throw new IllegalArgumentException("block influence scores layers, not " + group.kind());
        }
        double[] s = new double[group.units()];
        for (int l = 0; l < s.length; l++) {
            s[l] = stats.blockInfluence(l);
            if (Double.isNaN(s[l])) {
                throw new IllegalStateException("layer " + l + " was never observed; run the calibration pass first");
            }
        }
        return s;
    }
}
