package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;
import dev.arborist.events.ModelUpdate;
import dev.arborist.policies.control.LatencySample;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A published move (or plan) waiting for its measured effect: the windows that ran on it are
 * summed until there are enough to report, compared with the window the move was based on.
 *
 * @param sequence the decision's sequence number (the measured record follows it)
 * @param action the decision's action label
 * @param publishedAtMs windows that began before this mix the old and the new
 * @param basis latency and load before the move; null when there was no evidence window before it
 * @param fallback for a new plan: the announcement to go back to if it regresses; null otherwise
 */
public record Watch(long sequence, String action, String planId, int fromRung, int toRung, long publishedAtMs, Effect basis,
                    ModelUpdate fallback, Effect after, int windows) {

    /**
     * Sums over evidence windows (means are taken when reporting).
     *
     * @param shadowGap sum over shadow tokens of ln(shadow ratio)
     */
    public record Effect(double ttft, double itl, double e2e, double queue, int ttftN, int itlN, int e2eN, int queueN,
                         double requestsPerSecond, double tokensPerSecond, long shadowTokens, double shadowGap) {
        static final Effect NONE = new Effect(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        static Effect of(WindowStats w) {
            return NONE.plus(w);
        }

        Effect plus(WindowStats w) {
            return new Effect(ttft + orZero(w.ttftP95()), itl + orZero(w.itlP95()), e2e + orZero(w.e2eP95()),
                    queue + orZero(w.queueP95()), ttftN + count(w.ttftP95()), itlN + count(w.itlP95()), e2eN + count(w.e2eP95()),
                    queueN + count(w.queueP95()),
                    requestsPerSecond + w.requestsPerSecond(), tokensPerSecond + w.tokensPerSecond(), shadowTokens + w.shadowTokens(),
                    shadowGap + (w.shadowRatio() == null ? 0 : w.shadowTokens() * Math.log(w.shadowRatio())));
        }

        /** Mean p95s, load and the token-weighted shadow ratio over {@code windows} windows, keyed like the audit record. */
        Map<String, Double> means(int windows) {
            Map<String, Double> m = new LinkedHashMap<>();
            put(m, "ttft_p95_seconds", ttft, ttftN);
            put(m, "itl_p95_seconds", itl, itlN);
            put(m, "e2e_p95_seconds", e2e, e2eN);
            put(m, "queue_p95_seconds", queue, queueN);
            m.put("request_rate", requestsPerSecond / windows);
            m.put("tokens_per_second", tokensPerSecond / windows);
            if (shadowTokens > 0) {
                m.put("shadow_ratio", Math.exp(shadowGap / shadowTokens));
            }
            return m;
        }

        /** Mean load and p95s over {@code windows} windows, as a move's verdict compares them. */
        LatencySample sample(int windows) {
            return new LatencySample(requestsPerSecond / windows, mean(ttft, ttftN), mean(itl, itlN), mean(e2e, e2eN), mean(queue, queueN));
        }

        private static void put(Map<String, Double> m, String key, double sum, int n) {
            if (n > 0) {
                m.put(key, sum / n);
            }
        }

        private static Double mean(double sum, int n) {
            return n > 0 ? sum / n : null;
        }

        private static int count(Double v) {
            return v == null ? 0 : 1;
        }

        private static double orZero(Double v) {
            return v == null ? 0 : v;
        }
    }

    /** Whether the window ran on what this watch measures, entirely after the publish. */
    boolean covers(WindowStats w) {
        return w.start().toEpochMilli() >= publishedAtMs && planId.equals(w.dominantPlan()) && w.dominantRung() == toRung && w.requests() > 0;
    }

    Watch plus(WindowStats w) {
        return new Watch(sequence, action, planId, fromRung, toRung, publishedAtMs, basis, fallback, after.plus(w), windows + 1);
    }
}
