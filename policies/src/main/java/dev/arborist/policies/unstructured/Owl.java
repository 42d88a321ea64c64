package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.policies.PruningProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Outlier-weighed layerwise sparsity (Yin et al. 2024, "Outlier Weighed Layerwise Sparsity"): layers
 * with more outliers (Wanda scores above M times the layer mean) are pruned less. As in the
 * reference (OWL lib/prune_all.py), the ratios are min-max normalised to [0, 2 lambda], centred on
 * their mean and subtracted from the target, so the mean sparsity stays the target.
 */
public final class Owl {
    /** Outlier threshold as a multiple of the layer's mean score (the paper's M). */
    public static final double OUTLIER_FACTOR = 5;
    /** Half-width of the band of layer sparsities around the target (the paper's lambda). */
    public static final double LAMBDA = 0.08;

    private Owl() {}

    /** Walks the dense model once and returns a sparsity per layer averaging {@code target}. */
    public static double[] layerSparsity(CalibrationWalker walker, List<LayerWeights> layers, double target, PruningProgress progress) {
        double[] ratios = new double[layers.size()];
        walker.walk(InputStatistic.CHANNEL_NORMS, (layer, stats, editor) -> {
            ratios[layer] = outlierRatio(layer, layers.get(layer), stats, editor::get);
            return List.of();
        }, progress);
        return allocate(ratios, target, LAMBDA);
    }

    /** Share of the layer's |W| * ||X|| scores above {@link #OUTLIER_FACTOR} times their mean. */
    static double outlierRatio(int index, LayerWeights layer, ActivationStatistics stats,
                               Function<String, NDArray> arrays) {
        Wanda wanda = new Wanda();
        Map<SiteKey, SiteInputs> sites = new HashMap<>();
        List<float[]> scores = new ArrayList<>();
        double sum = 0;
        long count = 0;
        for (PrunableWeight w : DecoderLinears.of(index, layer, arrays)) {
            float[] s = wanda.score(w, sites.computeIfAbsent(w.site(), k -> SiteInputs.of(stats, k))).values();
            scores.add(s);
            for (float v : s) {
                sum += v;
            }
            count += s.length;
        }
        double threshold = OUTLIER_FACTOR * sum / count;
        long outliers = 0;
        for (float[] s : scores) {
            for (float v : s) {
                outliers += v > threshold ? 1 : 0;
            }
        }
        return outliers / (double) count;
    }

    /** sparsity_l = target - (n_l - mean n), n = 2 lambda (r - min r) / (max r - min r); clamped to [0, 1). */
    static double[] allocate(double[] ratios, double target, double lambda) {
        double min = Arrays.stream(ratios).min().orElse(0);
        double max = Arrays.stream(ratios).max().orElse(0);
        double[] n = new double[ratios.length];
        if (max > min) {
            for (int l = 0; l < n.length; l++) {
                n[l] = 2 * lambda * (ratios[l] - min) / (max - min);
            }
        }
        double mean = Arrays.stream(n).average().orElse(0);
        double[] out = new double[n.length];
        for (int l = 0; l < n.length; l++) {
            out[l] = Math.min(Math.max(target - (n[l] - mean), 0), Math.nextDown(1.0));
        }
        return out;
    }
}
