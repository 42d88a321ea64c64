package dev.arborist.policies.structured.importance;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.Coupling;
import dev.arborist.policies.structured.PruningGroup;

/**
 * Structured Wanda / FLAP-style importance of the units that a matrix reads (An et al. 2024; Sun
 * et al. 2023): a unit is as important as the output energy it feeds forward,
 * score_u = sum over its input channels j of ||X_j||^2 * ||W[:, j]||^2, where X is the reader's
 * input activation and W the reader (down_proj for FFN channels; o_proj for KV groups, summing
 * over the G*hs dims of the group's query heads).
 */
public final class ChannelActivationImportance implements ImportanceCriterion {
    private final TrafficStatistics stats;
    private final WeightEditor weights;

    /** @param weights the dense model's named weights */
    public ChannelActivationImportance(TrafficStatistics stats, WeightEditor weights) {
        this.stats = stats;
        this.weights = weights;
    }

    public ChannelActivationImportance(ActivationStatistics stats, WeightEditor weights) {
        this(TrafficStatistics.of(stats), weights);
    }

    @Override
    public double[] scores(PruningGroup group) {
        LinearSite site = group.kind().readerSite();
        Coupling reader = group.reader();
        if (site == null || reader == null) {
            throw new IllegalArgumentException(group.kind() + " units are not read through input channels");
        }
        double[] x = site == LinearSite.FFN_OUT // the reader's input: down_proj's for channels, o_proj's for KV groups
                ? stats.ffnOutSumSquares(group.layer(), group.expert())
                : stats.attnOutSumSquares(group.layer());
        double[] columns = columnSquares(weights.get(reader.tensor())); // (in)
        double[] energy = x == null ? new double[columns.length] : x; // never routed to: no evidence, score 0
        double[] scores = new double[group.units()];
        for (int u = 0; u < scores.length; u++) {
            for (int j = u * reader.width(); j < (u + 1) * reader.width(); j++) {
                scores[u] += energy[j] * columns[j];
            }
        }
        return scores;
    }

    /** @param w (out, in) @return (in) squared L2 norm of every column */
    private static double[] columnSquares(NDArray w) {
        int out = (int) w.getShape().get(0);
        int in = (int) w.getShape().get(1);
        float[] v = w.toFloatArray();
        double[] sq = new double[in];
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < in; j++) {
                double x = v[r * in + j];
                sq[j] += x * x;
            }
        }
        return sq;
    }
}
