package dev.arborist.policies.control;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Notices when traffic stops looking like the traffic a plan was built from, by two measures per
 * layer: the Jensen-Shannon divergence between reference and recent expert-usage distributions
 * (Lin 1991, in bits so it lies in [0, 1]) and 1 - cosine between reference and recent channel-norm
 * vectors (which ignores overall scale, so a busier window is not a shift). Each is averaged over
 * the layers that have data on both sides. Drift is confirmed after {@code confirmWindows}
 * consecutive windows with either measure over its threshold; one noisy window is not enough.
 *
 * <p>Each report also says how much of its distance sampling noise alone explains: a recent sample
 * holds few sequences, and the distance between each recent sample and the one before it measures
 * that noise (both carry it, so half the median of the last {@value #NOISE_HISTORY} such distances,
 * once {@value #MIN_NOISE_SAMPLES} are known). It is reported, not yet applied to the thresholds: at
 * the demo's sample sizes it is as large as a real domain shift, so applying it hid the shift.
 *
 * <p>Zero counts need no smoothing: JS compares each side with their mixture, which is positive
 * wherever either side is, so 0 log 0 = 0 covers every term. Different totals do not matter because
 * both sides are normalised. A layer with no routed tokens on one side is skipped.
 */
public final class DriftDetector {
    /** Successive-sample distances the noise estimate is the median of. */
    static final int NOISE_HISTORY = 9;
    /** Successive-sample distances needed before the noise estimate applies. */
    static final int MIN_NOISE_SAMPLES = 3;

    private final double jsThreshold;
    private final double normThreshold;
    private final int confirmWindows;
    private long[][] referenceCounts;
    private double[][] referenceNorms;
    private int windowsOver;
    private long[][] previousCounts;
    private double[][] previousNorms;
    private final Deque<Double> successiveScores = new ArrayDeque<>();
    private final Deque<Double> successiveShifts = new ArrayDeque<>();

    /**
     * @param jsThreshold mean JS divergence (bits) above which a window counts as shifted
     * @param normThreshold mean 1 - cosine of channel norms above which a window counts as shifted
     * @param confirmWindows consecutive shifted windows that confirm drift
     */
    public DriftDetector(double jsThreshold, double normThreshold, int confirmWindows) {
        if (!(jsThreshold > 0 && jsThreshold < 1) || !(normThreshold > 0 && normThreshold < 1)) {
            throw new IllegalArgumentException("thresholds must be in (0, 1), got JS " + jsThreshold + " and norm " + normThreshold);
        }
        if (confirmWindows < 1) {
            throw new IllegalArgumentException("confirm windows must be at least 1, got " + confirmWindows);
        }
        this.jsThreshold = jsThreshold;
        this.normThreshold = normThreshold;
        this.confirmWindows = confirmWindows;
    }

    /**
     * Sets the traffic that later windows are compared with (after a rebuild: the statistics it used).
     *
     * @param routingCounts [layer][expert] tokens routed; a null layer (dense) or null array means none
     * @param channelNorms [layer][channel] activation norms; null layers or a null array means none
     */
    public void rebase(long[][] routingCounts, double[][] channelNorms) {
        reproject(routingCounts, channelNorms);
        windowsOver = 0;
    }

    /**
     * The same reference seen over other units (serving moved to a level that runs fewer or more of them): later
     * windows are compared over those, and shifted windows counted so far still count, since the traffic is what they
     * measured. Resetting here let a controller moving between rungs every few comparisons keep a real shift from
     * ever being confirmed.
     */
    public void reproject(long[][] routingCounts, double[][] channelNorms) {
        // Deep copies: the caller's window buffers may be reused for the next window.
        referenceCounts = routingCounts == null ? null : Arrays.stream(routingCounts).map(l -> l == null ? null : l.clone()).toArray(long[][]::new);
        referenceNorms = channelNorms == null ? null : Arrays.stream(channelNorms).map(l -> l == null ? null : l.clone()).toArray(double[][]::new);
    }

    /** Compares one window with the reference; the first window seen without a reference becomes it. */
    public DriftReport observe(long[][] routingCounts, double[][] channelNorms) {
        Double scoreNoise = noise(successiveScores);
        Double shiftNoise = noise(successiveShifts);
        rememberSuccessive(routingCounts, channelNorms);
        if (referenceCounts == null && referenceNorms == null) {
            rebase(routingCounts, channelNorms);
            return new DriftReport(routingCounts == null ? null : 0.0, channelNorms == null ? null : 0.0, 0, false, scoreNoise, shiftNoise);
        }
        Double score = meanJs(referenceCounts, routingCounts);
        Double shift = meanNormShift(referenceNorms, channelNorms);
        boolean over = (score != null && score > jsThreshold) || (shift != null && shift > normThreshold);
        windowsOver = over ? windowsOver + 1 : 0;
        return new DriftReport(score, shift, windowsOver, windowsOver >= confirmWindows, scoreNoise, shiftNoise);
    }

    /** Records how far this sample lies from the one before (the noise estimate's input), then keeps it as the one before. */
    private void rememberSuccessive(long[][] routingCounts, double[][] channelNorms) {
        if (previousCounts != null || previousNorms != null) {
            add(successiveScores, meanJs(previousCounts, routingCounts));
            add(successiveShifts, meanNormShift(previousNorms, channelNorms));
        }
        previousCounts = routingCounts == null ? null : Arrays.stream(routingCounts).map(l -> l == null ? null : l.clone()).toArray(long[][]::new);
        previousNorms = channelNorms == null ? null : Arrays.stream(channelNorms).map(l -> l == null ? null : l.clone()).toArray(double[][]::new);
    }

    private static void add(Deque<Double> history, Double distance) {
        if (distance == null) {
            return;
        }
        history.addLast(distance);
        if (history.size() > NOISE_HISTORY) {
            history.removeFirst();
        }
    }

    /** Half the median successive distance; null while fewer than {@value #MIN_NOISE_SAMPLES} are known. */
    private static Double noise(Deque<Double> history) {
        if (history.size() < MIN_NOISE_SAMPLES) {
            return null;
        }
        double[] sorted = history.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return median / 2;
    }


    /** Jensen-Shannon divergence in bits between two count vectors of one layer, each normalised to sum 1. */
    public static double jensenShannonBits(long[] p, long[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("distributions over " + p.length + " and " + q.length + " experts cannot be compared");
        }
        double sp = sum(p);
        double sq = sum(q);
        if (sp == 0 || sq == 0) {
            throw new IllegalArgumentException("a distribution needs at least one count");
        }
        double js = 0;
        for (int i = 0; i < p.length; i++) {
            double a = p[i] / sp;
            double b = q[i] / sq;
            double m = (a + b) / 2;
            js += 0.5 * term(a, m) + 0.5 * term(b, m);
        }
        return Math.min(1, Math.max(0, js)); // rounding can stray a hair outside [0, 1]
    }

    /** 1 - cosine of two non-negative vectors: 0 same direction, 1 orthogonal. */
    public static double cosineDistance(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("norm vectors of " + x.length + " and " + y.length + " channels cannot be compared");
        }
        double dot = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
            xx += x[i] * x[i];
            yy += y[i] * y[i];
        }
        if (xx == 0 || yy == 0) {
            throw new IllegalArgumentException("a zero norm vector has no direction");
        }
        return Math.min(1, Math.max(0, 1 - dot / Math.sqrt(xx * yy)));
    }

    private static Double meanJs(long[][] reference, long[][] recent) {
        if (reference == null || recent == null) {
            return null;
        }
        requireSameLayers(reference.length, recent.length);
        double total = 0;
        int layers = 0;
        for (int l = 0; l < reference.length; l++) {
            if (reference[l] != null && recent[l] != null && sum(reference[l]) > 0 && sum(recent[l]) > 0) {
                total += jensenShannonBits(reference[l], recent[l]);
                layers++;
            }
        }
        return layers == 0 ? null : total / layers;
    }

    private static Double meanNormShift(double[][] reference, double[][] recent) {
        if (reference == null || recent == null) {
            return null;
        }
        requireSameLayers(reference.length, recent.length);
        double total = 0;
        int layers = 0;
        for (int l = 0; l < reference.length; l++) {
            if (reference[l] != null && recent[l] != null && hasEnergy(reference[l]) && hasEnergy(recent[l])) {
                total += cosineDistance(reference[l], recent[l]);
                layers++;
            }
        }
        return layers == 0 ? null : total / layers;
    }

    private static void requireSameLayers(int reference, int recent) {
        if (reference != recent) {
            throw new IllegalArgumentException("the reference has " + reference + " layers but the window has " + recent);
        }
    }

    private static double term(double x, double m) {
        return x == 0 ? 0 : x * Math.log(x / m) / Math.log(2);
    }

    private static double sum(long[] counts) {
        double s = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("routing counts must be non-negative, got " + c);
            }
            s += c;
        }
        return s;
    }

    private static boolean hasEnergy(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }
}
