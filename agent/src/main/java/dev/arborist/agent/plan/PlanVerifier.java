package dev.arborist.agent.plan;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.Rung;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a built ladder before anything is published: every rung's perplexity on held-out text
 * and, when serving sampled prompts, on the recent prompts themselves (the shadow comparison:
 * what dense and the rung make of the traffic the deployment actually sees), both against the
 * dense model on the same tokens. A rung is usable only if both stay within 1 + the quality budget.
 */
public final class PlanVerifier {
    private static final int BATCH = 4;

    private final LanguageModel base;
    private final int[] heldOut;
    private final int window;
    private final int maxWindows;
    private final double maxRatio;

    /**
     * @param window tokens per perplexity window (clamped to the model's context)
     * @param maxWindows held-out windows measured per rung
     * @param maxRatio 1 + the quality budget
     */
    public PlanVerifier(LanguageModel base, int[] heldOut, int window, int maxWindows, double maxRatio) {
        this.base = base;
        this.heldOut = heldOut;
        this.window = Math.min(window, base.config().maxPositions());
        this.maxWindows = maxWindows;
        this.maxRatio = maxRatio;
    }

    /** @param recentPrompts sampled prompts as one token stream (each followed by end-of-text); empty: no shadow check */
    public Verification verify(ElasticPlan plan, int[] recentPrompts) {
        int promptWindow = Math.min(window, Math.max(2, recentPrompts.length / 2 - 1));
        boolean shadow = recentPrompts.length > promptWindow + 1 && promptWindow >= 8;
        try (NDManager m = base.manager().newSubManager(); ElasticModel model = plan.apply(base, m)) {
            double dense = perplexity(model.full(), heldOut, window);
            double denseShadow = shadow ? perplexity(model.full(), recentPrompts, promptWindow) : Double.NaN;
            List<Verification.RungCheck> checks = new ArrayList<>();
            for (Rung r : plan.ladder().rungs()) {
                Transformer t = model.at(r.level());
                double ratio = r.index() == 0 ? 1 : perplexity(t, heldOut, window) / dense;
                Double shadowRatio = !shadow ? null : r.index() == 0 ? 1.0 : perplexity(t, recentPrompts, promptWindow) / denseShadow;
                boolean ok = ratio <= maxRatio && (shadowRatio == null || shadowRatio <= maxRatio);
                checks.add(new Verification.RungCheck(r.index(), ratio, shadowRatio, ok));
            }
            return new Verification(dense, checks, shadow ? "recent prompts" : "none");
        }
    }

    private double perplexity(Transformer t, int[] tokens, int length) {
        return Perplexity.evaluate(t, tokens, length, BATCH, maxWindows).perplexity();
    }
}
