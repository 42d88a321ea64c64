package dev.arborist.policies.structured.moe;

import java.util.Arrays;

/**
 * Calibrates NAEE dynamic skipping (Lu et al. 2024): a token's non-first expert is skipped when
 * its gate is below beta times the first one's. Beta is the {@code fraction} quantile of that
 * ratio over the calibration rows, so about that fraction of non-first experts is skipped there.
 */
public final class SkipThreshold {
    private SkipThreshold() {}

    /** @param fraction target share of non-first (token, expert) pairs to skip, in (0, 1) */
    public static double beta(MoeProbe probe, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("skip fraction must be in (0, 1), got " + fraction);
        }
        Routing r = probe.route();
        int k = r.topK();
        if (k < 2) {
            throw new IllegalArgumentException("dynamic skipping needs top-k >= 2; this layer routes to " + k + " expert");
        }
        double[] ratios = new double[r.rows() * (k - 1)];
        int n = 0;
        for (int m = 0; m < r.rows(); m++) {
            for (int s = 1; s < k; s++) {
                ratios[n++] = r.gate(m, s) / r.gate(m, 0); // in (0, 1]
            }
        }
        Arrays.sort(ratios);
        int skipped = (int) Math.round(fraction * n); // the pairs with ratio < beta
        if (skipped >= n) {
            return Math.min(1.0, Math.nextUp(ratios[n - 1]));
        }
        return ratios[skipped];
    }
}
