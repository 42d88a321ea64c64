package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.UnitKind;
import dev.arborist.policies.structured.moe.MoeProbe;
import dev.arborist.policies.structured.moe.Routing;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * REAP router-weighted expert activation saliency (Lasby et al. 2025): an expert matters as much
 * as it contributes when chosen, S_e = mean over tokens routed to e of g_e(x) * ||f_e(x)||_2. An
 * expert that is never routed to scores 0.
 */
public record ReapImportance(IntFunction<MoeProbe> probes) implements ImportanceCriterion {

    @Override
    public double[] scores(PruningGroup group) {
        if (group.kind() != UnitKind.EXPERT) {
            throw new IllegalArgumentException("REAP scores experts, not " + group.kind());
        }
        MoeProbe probe = probes.apply(group.layer());
        Routing routing = probe.route();
        double[] scores = new double[group.units()];
        for (int e = 0; e < scores.length; e++) {
            int[] rows = new int[routing.rows()];
            float[] gates = new float[routing.rows()];
            int n = 0;
            for (int m = 0; m < routing.rows(); m++) {
                for (int s = 0; s < routing.topK(); s++) {
                    if (routing.expert(m, s) == e) {
                        rows[n] = m;
                        gates[n++] = routing.gate(m, s);
                    }
                }
            }
            float[] y = probe.expertOutput(e, Arrays.copyOf(rows, n)); // (n, d)
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += gates[i] * norm(y, i, probe.hidden());
            }
            scores[e] = n == 0 ? 0 : sum / n;
        }
        return scores;
    }

    private static double norm(float[] rows, int row, int d) {
        double s = 0;
        for (int j = row * d; j < (row + 1) * d; j++) {
            s += (double) rows[j] * rows[j];
        }
        return Math.sqrt(s);
    }
}
