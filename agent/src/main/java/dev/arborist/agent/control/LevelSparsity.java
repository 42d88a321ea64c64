package dev.arborist.agent.control;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.Level;

/**
 * The share of decoder-layer weights a level does not run: trimmed FFN channels and experts, query
 * heads of dropped KV groups with their output-projection columns, and skipped layers (whose keys
 * and values are still computed, see {@link Level}). Embeddings, norms and the LM head always run
 * and are not counted. Per-token expert skipping is dynamic and not counted either.
 */
final class LevelSparsity {
    private LevelSparsity() {
    }

    static double of(ModelConfig c, Level level) {
        long d = c.hiddenSize();
        long qWidth = (long) c.numHeads() * c.headDim();
        long kvWidth = (long) c.numKvHeads() * c.headDim();
        int units = c.isMoe() ? c.numExperts() : 1;
        long attention = 2 * d * qWidth + 2 * d * kvWidth; // q, o; k, v
        long ffn = units * 3L * d * c.intermediateSize();
        double total = c.numLayers() * (double) (attention + ffn);
        double used = 0;
        for (int l = 0; l < c.numLayers(); l++) {
            if (level.skips(l)) {
                used += 2 * d * kvWidth;
                continue;
            }
            double keptQ = qWidth * (double) level.kvGroupsKept() / c.numKvHeads();
            int keptUnits = c.isMoe() ? level.expertsKept() : 1;
            used += 2 * d * keptQ + 2 * d * kvWidth + keptUnits * 3.0 * d * level.keptChannels(c.intermediateSize());
        }
        return 1 - used / total;
    }
}
