package dev.arborist.agent.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the verifier measured for each rung of a built ladder, against the dense model on the same
 * tokens.
 *
 * @param densePerplexity dense perplexity on the held-out text
 * @param rungs one check per rung, dense first
 * @param shadowSource where the shadow comparison's prompts came from ("recent prompts", or "none")
 */
public record Verification(double densePerplexity, List<RungCheck> rungs, String shadowSource) {

    public Verification {
        rungs = List.copyOf(rungs);
    }

    /**
     * @param perplexityRatio held-out perplexity over dense's
     * @param shadowRatio perplexity over dense's on the sampled recent prompts; null without prompts
     * @param withinBudget both ratios within 1 + the quality budget
     */
    public record RungCheck(int index, double perplexityRatio, Double shadowRatio, boolean withinBudget) {
        /** The larger of the two ratios: the quality estimate the controller plans with. */
        public double qualityRatio() {
            return shadowRatio == null ? perplexityRatio : Math.max(perplexityRatio, shadowRatio);
        }

        /** What was measured, as the audit record and the log say it when the rung failed. */
        public String failure() {
            return String.format(Locale.ROOT, "rung %d failed verification: held-out perplexity ratio %.3f%s", index, perplexityRatio,
                    shadowRatio == null ? "" : String.format(Locale.ROOT, ", shadow ratio on recent prompts %.3f", shadowRatio));
        }
    }

    /**
     * Rungs the agent may use: the leading rungs that passed. A failed rung ends the ladder even if a
     * sparser one passed, so every rung kept is at least as good as those after it.
     */
    public int usableRungs() {
        int n = 0;
        while (n < rungs.size() && rungs.get(n).withinBudget()) {
            n++;
        }
        return n;
    }

    /** Why the ladder ends where it does: the first rung that failed, or null when every rung passed. */
    public String firstFailure() {
        int usable = usableRungs();
        return usable == rungs.size() ? null : rungs.get(usable).failure();
    }

    /** Measurements for the plan manifest, e.g. {@code rung_2_quality_ratio}. */
    public Map<String, Double> manifestQuality() {
        Map<String, Double> q = new LinkedHashMap<>();
        q.put("dense_perplexity", densePerplexity);
        for (RungCheck r : rungs.subList(0, usableRungs())) {
            q.put("rung_" + r.index() + "_perplexity_ratio", r.perplexityRatio());
            if (r.shadowRatio() != null) {
                q.put("rung_" + r.index() + "_shadow_ratio", r.shadowRatio());
            }
            q.put("rung_" + r.index() + "_quality_ratio", r.qualityRatio());
        }
        return q;
    }
}
