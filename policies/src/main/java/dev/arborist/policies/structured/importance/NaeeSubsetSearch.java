package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;
import dev.arborist.policies.structured.UnitKind;
import dev.arborist.policies.structured.moe.MoeProbe;
import dev.arborist.policies.structured.moe.Routing;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * NAEE expert pruning (Lu et al. 2024): among all subsets of the kept size, keep the one whose
 * MoE block output best reconstructs the full block's on the calibration rows,
 * argmin_S sum_x ||F_S(x) - F(x)||^2, where F_S routes over the experts in S only. Exhaustive:
 * C(8, k) is at most 70 subsets per layer.
 */
public final class NaeeSubsetSearch implements UnitSelector {
    /** Enumeration cost grows as C(E, k): 8 or 16 experts are fine; 64 would take hours. */
    static final long MAX_SUBSETS = 20_000;

    private final IntFunction<MoeProbe> probes;

    public NaeeSubsetSearch(IntFunction<MoeProbe> probes) {
        this.probes = probes;
    }

    @Override
    public int[] keep(PruningGroup group, int count) {
        if (group.kind() != UnitKind.EXPERT) {
            throw new IllegalArgumentException("NAEE selects experts, not " + group.kind());
        }
        int n = group.units();
        if (n > 62 || binomial(n, count) > MAX_SUBSETS) {
            throw new IllegalArgumentException("NAEE would enumerate C(" + n + ", " + count + ") expert subsets, more than "
                    + MAX_SUBSETS + "; use criterion=reap or criterion=frequency for this many experts");
        }
        Reconstruction r = new Reconstruction(probes.apply(group.layer()));
        long best = 0;
        double bestError = Double.POSITIVE_INFINITY;
        for (long subset = (1L << count) - 1; subset < (1L << n); subset = nextSubset(subset)) {
            double error = r.error(subset);
            if (error < bestError) {
                bestError = error;
                best = subset;
            }
        }
        return members(best, count);
    }

    /** Gosper's hack: the next larger integer with the same number of set bits. */
    private static long nextSubset(long s) {
        long c = s & -s;
        long r = s + c;
        return (((r ^ s) >>> 2) / c) | r;
    }

    private static int[] members(long subset, int count) {
        int[] out = new int[count];
        int i = 0;
        for (int e = 0; e < 63 && i < count; e++) {
            if ((subset & (1L << e)) != 0) {
                out[i++] = e;
            }
        }
        return out;
    }

    static long binomial(int n, int k) {
        long c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    /** The full block's output and every expert's output on every row, computed once per layer. */
    private static final class Reconstruction {
        private final MoeProbe probe;
        private final float[][] outputs; // E x (M, d)
        private final float[] full; // (M, d)

        Reconstruction(MoeProbe probe) {
            this.probe = probe;
            this.outputs = new float[probe.experts()][];
            for (int e = 0; e < outputs.length; e++) {
                outputs[e] = probe.expertOutput(e);
            }
            this.full = new float[probe.rows() * probe.hidden()];
            Routing all = probe.route();
            int d = probe.hidden();
            for (int m = 0; m < probe.rows(); m++) {
                for (int s = 0; s < all.topK(); s++) {
                    float g = all.gate(m, s);
                    float[] y = outputs[all.expert(m, s)];
                    for (int j = m * d; j < (m + 1) * d; j++) {
                        full[j] += g * y[j];
                    }
                }
            }
        }

        /** sum over rows of ||F_S(x) - F(x)||^2 */
        double error(long subset) {
            boolean[] available = new boolean[probe.experts()];
            for (int e = 0; e < available.length; e++) {
                available[e] = (subset & (1L << e)) != 0;
            }
            Routing r = probe.route(available);
            int d = probe.hidden();
            double error = 0;
            double[] row = new double[d];
            for (int m = 0; m < probe.rows(); m++) {
                Arrays.fill(row, 0);
                for (int s = 0; s < r.topK(); s++) {
                    float g = r.gate(m, s);
                    float[] y = outputs[r.expert(m, s)];
                    for (int j = 0; j < d; j++) {
                        row[j] += g * y[m * d + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    double diff = row[j] - full[m * d + j];
                    error += diff * diff;
                }
            }
            return error;
        }
    }
}
