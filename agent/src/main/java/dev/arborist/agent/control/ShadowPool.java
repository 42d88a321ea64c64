package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;

/** Shadow-scored tokens of several windows pooled into one ratio: exp(mean log-likelihood gap to dense) over all of them. */
final class ShadowPool {
    private long tokens;
    private double gap; // sum over the pooled tokens of (level - dense) log-likelihood

    void add(WindowStats w) {
        if (w.shadowRatio() != null && w.shadowTokens() > 0) {
            tokens += w.shadowTokens();
            gap += w.shadowTokens() * Math.log(w.shadowRatio());
        }
    }

    long tokens() {
        return tokens;
    }

    /** @return the pooled ratio; 1 while empty */
    double ratio() {
        return tokens == 0 ? 1 : Math.exp(gap / tokens);
    }

    double logGap() {
        return gap;
    }

    void restore(long tokens, double logGap) {
        this.tokens = tokens;
        this.gap = logGap;
    }

    void clear() {
        tokens = 0;
        gap = 0;
    }
}
