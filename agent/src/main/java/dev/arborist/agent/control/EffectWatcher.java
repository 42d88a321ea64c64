package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;
import dev.arborist.policies.control.MoveVerdict;
import dev.arborist.policies.control.SloSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Follows the last published move or plan through the windows after it: once enough of them ran
 * on it, reports the measured effect (for the second audit record) and, for a new plan, whether it
 * regressed against the windows before it: by {@link MoveVerdict#fasterBackfired}, the rule the
 * controller judges a sparser rung by, or by a shadow quality ratio over budget.
 * Rung moves are judged by the controller itself; this only measures them.
 */
final class EffectWatcher {
    /** Evidence windows summed into one measurement. */
    static final int MEASURE_WINDOWS = 2;
    /** Fewer shadow-scored tokens than this say nothing about quality. */
    static final long MIN_SHADOW_TOKENS = 64;

    private final SloSpec spec;
    private Watch watch;

    EffectWatcher(SloSpec spec, Watch restored) {
        this.spec = spec;
        this.watch = restored;
    }

    /** What the windows after a publish showed. @param regression null when it did not regress (or is not judged) */
    record Report(Watch watch, Map<String, Double> measured, String regression) {}

    Watch current() {
        return watch;
    }

    /** Starts watching {@code next}; returns the report of the one it replaces if that one has any evidence. */
    Report replace(Watch next) {
        Watch old = watch;
        watch = next;
        return old == null || old.windows() == 0 ? null : report(old);
    }

    /** Adds a window; returns the report once the watched publish has enough evidence. */
    Report onWindow(WindowStats w) {
        if (watch == null || !watch.covers(w)) {
            return null;
        }
        watch = watch.plus(w);
        if (watch.windows() < MEASURE_WINDOWS) {
            return null;
        }
        Report r = report(watch);
        watch = null;
        return r;
    }

    private Report report(Watch w) {
        Map<String, Double> after = w.after().means(w.windows());
        Map<String, Double> measured = new LinkedHashMap<>(after);
        measured.put("windows", (double) w.windows());
        Double latencyRatio = w.basis() == null ? null : latencyRatio(w.basis().means(1), after);
        if (latencyRatio != null) {
            measured.put("latency_ratio", latencyRatio);
        }
        String regression = w.fallback() == null ? null : regression(w, after);
        return new Report(w, measured, regression);
    }

    /** The largest after/before ratio over the targeted p95s both sides measured; null when none. */
    private Double latencyRatio(Map<String, Double> before, Map<String, Double> after) {
        Double worst = null;
        for (String key : targeted()) {
            Double b = before.get(key);
            Double a = after.get(key);
            if (b != null && a != null && b > 0) {
                worst = worst == null ? a / b : Math.max(worst, a / b);
            }
        }
        return worst;
    }

    /** A new plan regressed when its shadow quality is over budget, or by the rule the controller judges a sparser rung by. */
    private String regression(Watch w, Map<String, Double> after) {
        Double shadow = after.get("shadow_ratio");
        if (shadow != null && w.after().shadowTokens() >= MIN_SHADOW_TOKENS && shadow > spec.maxPerplexityRatio()) {
            return String.format(Locale.ROOT, "shadow quality ratio %.3f on %d scored tokens exceeds the budget %.3f", shadow,
                    w.after().shadowTokens(), spec.maxPerplexityRatio());
        }
        return w.basis() == null ? null : MoveVerdict.fasterBackfired(spec, w.basis().sample(1), w.after().sample(w.windows()));
    }

    private List<String> targeted() {
        List<String> keys = new ArrayList<>();
        if (spec.ttftP95Seconds() != null) {
            keys.add("ttft_p95_seconds");
        }
        if (spec.itlP95Seconds() != null) {
            keys.add("itl_p95_seconds");
        }
        if (spec.e2eP95Seconds() != null) {
            keys.add("e2e_p95_seconds");
        }
        return keys;
    }
}
