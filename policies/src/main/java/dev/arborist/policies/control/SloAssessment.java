package dev.arborist.policies.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One window judged against an SLO. The headroom line (headroomFraction x target) sits well below
 * the violation line (the guard line, guardFraction x target: the target itself unless the spec
 * guards it), and the band between them is "hold": that gap is the hysteresis.
 */
final class SloAssessment {

    enum Verdict { NO_DATA, VIOLATED, HEADROOM, WITHIN }

    /** One targeted metric: its target, the line past which it counts as violated, and what the window saw (null without data). */
    record Reading(LatencyMetric metric, double target, double guard, Double observed) {
        boolean hasData() {
            return observed != null;
        }

        boolean violated() {
            return observed != null && observed > guard;
        }

        /** e.g. "e2e p95 1.42 s > target 1.20 s", or "e2e p95 1.16 s > 1.14 s (95% of target 1.20 s)" under a guard. */
        String describeViolation() {
            return metric.label() + " p95 " + seconds(observed) + " > " + (observed > target ? "target " + seconds(target) : guardLine());
        }

        /** The line a window must stay at or under: "target 1.20 s", or "1.14 s (95% of target 1.20 s)" under a guard. */
        String guardLine() {
            return guard < target ? seconds(guard) + " (" + percent(guard / target) + " of target " + seconds(target) + ")"
                    : "target " + seconds(target);
        }

        double ratio() {
            return observed / target;
        }
    }

    private final List<Reading> readings;
    private final double headroomFraction;
    private final Verdict verdict;

    SloAssessment(SloSpec spec, WindowSummary window) {
        List<Reading> r = new ArrayList<>();
        for (LatencyMetric m : LatencyMetric.values()) {
            Double target = m.target(spec);
            if (target != null) {
                r.add(new Reading(m, target, spec.guardFraction() * target, m.observed(window)));
            }
        }
        this.readings = List.copyOf(r);
        this.headroomFraction = spec.headroomFraction();
        this.verdict = judge();
    }

    private Verdict judge() {
        if (readings.stream().noneMatch(Reading::hasData)) {
            return Verdict.NO_DATA;
        }
        if (readings.stream().anyMatch(Reading::violated)) {
            return Verdict.VIOLATED;
        }
        // Headroom needs every targeted metric measured: an unmeasured one might be the tight one.
        boolean allLow = readings.stream().allMatch(x -> x.hasData() && x.observed() < headroomFraction * x.target());
        return allLow ? Verdict.HEADROOM : Verdict.WITHIN;
    }

    Verdict verdict() {
        return verdict;
    }

    List<Reading> readings() {
        return readings;
    }

    /** The largest observed/target ratio over the measured metrics: how far the tightest one is from its line. */
    double worstRatio() {
        return readings.stream().filter(Reading::hasData).mapToDouble(Reading::ratio).max().orElse(Double.NaN);
    }

    /** e.g. "e2e p95 1.42 s > target 1.00 s" for the violated metrics, or every measured one otherwise. */
    String describe() {
        if (verdict == Verdict.VIOLATED) {
            return readings.stream().filter(Reading::violated).map(Reading::describeViolation).collect(Collectors.joining(", "));
        }
        if (verdict == Verdict.NO_DATA) {
            return "no latency quantile in the window";
        }
        if (verdict == Verdict.HEADROOM) {
            return readings.stream().map(x -> x.metric().label() + " p95 " + seconds(x.observed()) + " < "
                    + seconds(headroomFraction * x.target()) + " (" + percent(headroomFraction) + " of target)")
                    .collect(Collectors.joining(", "));
        }
        return readings.stream().filter(Reading::hasData).map(x -> x.metric().label() + " p95 " + seconds(x.observed()) + " <= "
                + x.guardLine()).collect(Collectors.joining(", "));
    }

    /** The window's metrics for the audit record. */
    static Map<String, Double> observed(WindowSummary window) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (LatencyMetric metric : LatencyMetric.values()) {
            Double v = metric.observed(window);
            if (v != null) {
                m.put(metric.key(), v);
            }
        }
        m.put("requests", (double) window.requests());
        m.put("requests_per_second", window.requestRate());
        m.put("tokens_per_second", window.tokensPerSecond());
        m.put("rung", (double) window.rung());
        return m;
    }

    /** Seconds with two decimals, three below 0.1 s so inter-token latencies keep their digits. */
    static String seconds(double s) {
        return String.format(Locale.ROOT, s < 0.1 ? "%.3f s" : "%.2f s", s);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
