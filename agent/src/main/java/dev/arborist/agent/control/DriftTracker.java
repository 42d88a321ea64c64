package dev.arborist.agent.control;

import dev.arborist.agent.window.SketchStatistics;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.WindowTraffic;
import dev.arborist.policies.control.DriftDetector;
import dev.arborist.policies.control.DriftReport;

/**
 * Drift of a deployment's traffic against the traffic its plan was built from. At a sparse level
 * serving runs only some experts and channels, so a window's statistics are zero for the rest;
 * compared as they are, every sparser move would look like drift. Both sides are therefore
 * compared only over the units the served level runs: the reference is kept in full and
 * projected again whenever the served level changes.
 *
 * <p>A reference taken from traffic (after a plan built from calibration text) holds
 * {@value #REFERENCE_SAMPLES} comparisons' worth of sampled tokens: it is one side of every later
 * comparison, so its sampling noise is in all of them. From a single sample, unchanged traffic read
 * expert-usage JS up to 0.007 bits at 1024 tokens, over the 0.006 threshold three times in a row
 * in one control-bench run, which rebuilt the plan for a drift that was not there.
 */
public final class DriftTracker {
    /** Comparison samples a reference taken from traffic holds: against one sample, the reference's share of the noise drops to a third. */
    static final int REFERENCE_SAMPLES = 3;

    private final DriftDetector detector;
    private final TrafficShape shape;
    private final long sampleTokens;
    private long[][] referenceCounts; // base order, all units; null until known
    private double[][] referenceNorms;
    private boolean hasReference;
    private ServedPlan served; // whose level decides the projection; null: every unit runs

    /** @param sampleTokens sampled tokens a window's traffic must hold before it is compared */
    public DriftTracker(DriftDetector detector, TrafficShape shape, long sampleTokens) {
        this.detector = detector;
        this.shape = shape;
        this.sampleTokens = sampleTokens;
    }

    /**
     * Whether {@code window} holds enough sampled tokens to be compared (fewer, and two samples of the same traffic differ
     * by chance), or, while there is no reference, to become it.
     */
    public boolean ready(WindowTraffic window) {
        return window.sampledTokens() >= (hasReference ? sampleTokens : REFERENCE_SAMPLES * sampleTokens);
    }

    /** A plan was built from {@code stats}: they are the reference from now on. */
    public void rebase(SketchStatistics stats, ServedPlan plan) {
        served = plan;
        if (stats == null) { // built from calibration text: the next window becomes the reference
            hasReference = false;
            detector.rebase(null, null);
            return;
        }
        hasReference = true;
        referenceCounts = new long[shape.layers()][];
        referenceNorms = new double[shape.layers()][];
        for (int l = 0; l < shape.layers(); l++) {
            referenceCounts[l] = stats.routingCounts(l);
            referenceNorms[l] = stats.ffnChannelNorms(l);
        }
        project();
    }

    /**
     * Serving moved to another rung or plan: compare over its level's units from now on. After a rung move the shifted
     * comparisons so far still count (the traffic is what they measured); another plan (a rollback) starts the count again.
     */
    public void served(ServedPlan plan) {
        boolean samePlan = served != null && plan != null && served.planId().equals(plan.planId());
        served = plan;
        if (!hasReference) {
            return;
        }
        if (samePlan) {
            detector.reproject(counts(referenceCounts), norms(referenceNorms));
        } else {
            project();
        }
    }

    /** Compares one window's statistics with the reference; the first window without a reference becomes it. */
    public DriftReport observe(WindowTraffic window) {
        if (!hasReference) {
            hasReference = true;
            referenceCounts = copy(window.routingCounts());
            referenceNorms = window.channelNorms();
            project();
        }
        return detector.observe(counts(window.routingCounts()), norms(window.channelNorms()));
    }

    private void project() {
        detector.rebase(counts(referenceCounts), norms(referenceNorms));
    }

    /** Routing counts of the experts the served level runs; skipped layers have none. */
    private long[][] counts(long[][] all) {
        if (all == null || shape.experts() == 0) {
            return null;
        }
        long[][] out = new long[all.length][];
        for (int l = 0; l < all.length; l++) {
            if (served != null && served.level().skips(l)) {
                continue;
            }
            boolean[] kept = served == null ? null : served.order().keptExperts(l, served.level());
            out[l] = all[l].clone();
            for (int e = 0; kept != null && e < kept.length; e++) {
                out[l][e] = kept[e] ? out[l][e] : 0;
            }
        }
        return out;
    }

    /** Channel norms of the experts and channels the served level runs; skipped layers have none. */
    private double[][] norms(double[][] all) {
        double[][] out = new double[all.length][];
        int width = shape.ffnWidth();
        for (int l = 0; l < all.length; l++) {
            if (served != null && served.level().skips(l)) {
                continue;
            }
            out[l] = all[l].clone();
            if (served == null) {
                continue;
            }
            boolean[] experts = shape.experts() == 0 ? null : served.order().keptExperts(l, served.level());
            for (int u = 0; u < Math.max(shape.experts(), 1); u++) {
                boolean[] channels = served.order().keptChannels(l, shape.experts() == 0 ? -1 : u, served.level());
                for (int j = 0; j < width; j++) {
                    boolean runs = (experts == null || experts[u]) && channels[j];
                    out[l][u * width + j] = runs ? out[l][u * width + j] : 0;
                }
            }
        }
        return out;
    }

    private static long[][] copy(long[][] v) {
        if (v == null) {
            return null;
        }
        long[][] out = new long[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] == null ? null : v[i].clone();
        }
        return out;
    }

    public State state() {
        return hasReference ? new State(referenceCounts, referenceNorms) : null;
    }

    /** Restores the reference; {@code plan} is the plan served now (null: none yet). */
    public void restore(State s, ServedPlan plan) {
        served = plan;
        if (s != null && s.norms() != null && s.norms().length == shape.layers()) {
            hasReference = true;
            referenceCounts = s.counts();
            referenceNorms = s.norms();
            project();
        }
    }

    /** The full reference, for the agent's snapshot (the detector's confirmation streak restarts at 0). */
    public record State(long[][] counts, double[][] norms) {
    }
}
