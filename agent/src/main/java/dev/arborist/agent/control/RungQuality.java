package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;

/**
 * The live quality of the rung served, judged on every shadow-scored token since the deployment
 * moved to it, once there are {@value #MIN_TOKENS}. One window's 64 tokens are too few: in the
 * control bench single windows read x1.15-1.17 on a rung whose readings pooled over 64 or more
 * tokens stayed at x1.00-1.10, and the rung was taken away on them (BENCHMARKS.md, "Session 11").
 * The pool is in the agent's snapshot, so a restart does not wait for another 256 tokens to judge it.
 */
final class RungQuality {
    /** Shadow-scored tokens a rung is judged on, at least. */
    static final long MIN_TOKENS = 256;

    private final ShadowPool pool = new ShadowPool();
    private String planId;
    private int rung = -1;

    /**
     * Adds a window of {@code planId} (its requests mostly at {@code w.dominantRung()}); tokens of
     * other rungs say nothing about this one. A new plan or rung starts a new pool.
     *
     * @return the pooled ratio when it holds enough tokens and exceeds {@code maxRatio}, else null
     */
    Double overBudget(String planId, int rung, WindowStats w, double maxRatio) {
        if (!planId.equals(this.planId) || rung != this.rung) {
            pool.clear();
            this.planId = planId;
            this.rung = rung;
        }
        if (w.dominantRung() == rung) {
            pool.add(w);
        }
        return pool.tokens() >= MIN_TOKENS && pool.ratio() > maxRatio ? pool.ratio() : null;
    }

    long tokens() {
        return pool.tokens();
    }

    /** The pool as the snapshot holds it; null before the first window. */
    State state() {
        return planId == null ? null : new State(planId, rung, pool.tokens(), pool.logGap());
    }

    /** Resumes the pool of a snapshot; null (none, or a snapshot from before the pool was in it) starts empty. */
    void restore(State s) {
        if (s != null) {
            planId = s.planId();
            rung = s.rung();
            pool.restore(s.tokens(), s.logGap());
        }
    }

    /** @param logGap the pooled tokens' summed log-likelihood gap to dense */
    public record State(String planId, int rung, long tokens, double logGap) {
    }
}
