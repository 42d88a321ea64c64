package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;

/**
 * The live shadow quality ratio for the dashboard: windows' shadow-scored tokens are pooled until
 * they hold {@value EffectWatcher#MIN_SHADOW_TOKENS}, then read as one ratio. At low traffic a
 * single window scores too few tokens to say anything; pooled, the reading comes every few windows.
 */
final class ShadowReading {
    private long tokens;
    private double gap; // sum over the pooled tokens of (level - dense) log-likelihood

    /** @return the pooled ratio once enough tokens are in (and starts pooling anew), else null */
    Double add(WindowStats w) {
        if (w.shadowRatio() == null || w.shadowTokens() == 0) {
            return null;
        }
        tokens += w.shadowTokens();
        gap += w.shadowTokens() * Math.log(w.shadowRatio());
        if (tokens < EffectWatcher.MIN_SHADOW_TOKENS) {
            return null;
        }
        double ratio = Math.exp(gap / tokens);
        tokens = 0;
        gap = 0;
        return ratio;
    }
}
