package dev.arborist.policies.control;

import java.util.function.Function;

/** The latency quantiles an SLO can target, each tying its spec target to its window observation. */
enum LatencyMetric {
    TTFT("ttft", "ttft_p95_seconds", SloSpec::ttftP95Seconds, LatencySample::ttftP95, true),
    ITL("itl", "itl_p95_seconds", SloSpec::itlP95Seconds, LatencySample::itlP95, false),
    E2E("e2e", "e2e_p95_seconds", SloSpec::e2eP95Seconds, LatencySample::e2eP95, true);

    private final String label;
    private final String key;
    private final Function<SloSpec, Double> target;
    private final Function<LatencySample, Double> observed;
    private final boolean includesQueue;

    LatencyMetric(String label, String key, Function<SloSpec, Double> target, Function<LatencySample, Double> observed,
                  boolean includesQueue) {
        this.label = label;
        this.key = key;
        this.target = target;
        this.observed = observed;
        this.includesQueue = includesQueue;
    }

    /** Short name for reasons, e.g. "e2e". */
    String label() {
        return label;
    }

    /** The spec key and the observed-metrics key, e.g. "e2e_p95_seconds". */
    String key() {
        return key;
    }

    /** @return the target in seconds, or null when the SLO does not constrain this metric */
    Double target(SloSpec spec) {
        return target.apply(spec);
    }

    /** @return the window's p95 in seconds, or null without data */
    Double observed(WindowSummary window) {
        return observed(window.sample());
    }

    /** @return the sample's p95 in seconds, or null without data */
    Double observed(LatencySample sample) {
        return observed.apply(sample);
    }

    /** Whether the metric includes the time a request waited for admission (TTFT and e2e do, ITL does not). */
    boolean includesQueue() {
        return includesQueue;
    }
}
