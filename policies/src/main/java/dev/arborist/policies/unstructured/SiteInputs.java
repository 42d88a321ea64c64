package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.ChannelStats;
import dev.arborist.model.instrument.SiteKey;
import java.util.Arrays;

/**
 * What calibration saw at the input of one site. A site that saw no tokens (an expert the router
 * never chose, or a method that needs no statistics) counts as isotropic: unit channel norms and
 * an identity Hessian, so Wanda and SparseGPT fall back to magnitude pruning there.
 */
public final class SiteInputs {
    private final SiteKey key;
    private final ChannelStats channels;
    private final float[] gramian; // (in, in) sum of x x^T, or null
    private HessianInverse inverse;

    private SiteInputs(SiteKey key, ChannelStats channels, float[] gramian) {
        this.key = key;
        this.channels = channels;
        this.gramian = gramian;
    }

    /** @param stats what the walker collected on this layer, or null when it collected nothing */
    public static SiteInputs of(ActivationStatistics stats, SiteKey key) {
        if (stats == null) {
            return new SiteInputs(key, null, null);
        }
        NDArray g = stats.gramian(key);
        return new SiteInputs(key, stats.channels(key), g == null ? null : g.toFloatArray());
    }

    public SiteKey key() {
        return key;
    }

    /** Tokens seen at this site (for an expert: tokens routed to it). */
    public long tokens() {
        return channels == null ? 0 : channels.rows();
    }

    /** @return ||X_j||_2 per input channel, all ones when unobserved */
    public double[] channelNorms(int width) {
        if (channels == null || channels.rows() == 0) {
            double[] ones = new double[width];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        return channels.norms();
    }

    /** SparseGPT's factor of H^-1, computed once per site and shared by the weights that read it (q, k, v). */
    public synchronized HessianInverse hessianInverse(int width) {
        if (inverse == null) {
            inverse = gramian == null || tokens() == 0 ? HessianInverse.identity(width) : HessianInverse.of(gramian, width, key.toString());
        }
        return inverse;
    }
}
