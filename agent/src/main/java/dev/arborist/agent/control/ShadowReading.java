package dev.arborist.agent.control;

import dev.arborist.agent.window.WindowStats;

/**
 * The live shadow quality ratio for the dashboard: windows' shadow-scored tokens are pooled until
 * they hold {@value EffectWatcher#MIN_SHADOW_TOKENS}, then read as one ratio. At low traffic a
 * single window scores too few tokens to say anything; pooled, the reading comes every few windows.
 */
final class ShadowReading {
    private final ShadowPool pool = new ShadowPool();

    /** @return the pooled ratio once enough tokens are in (and starts pooling anew), else null */
    Double add(WindowStats w) {
        pool.add(w);
        if (pool.tokens() < EffectWatcher.MIN_SHADOW_TOKENS) {
            return null;
        }
        double ratio = pool.ratio();
        pool.clear();
        return ratio;
    }
}
