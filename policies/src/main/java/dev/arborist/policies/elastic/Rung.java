package dev.arborist.policies.elastic;

import dev.arborist.model.nn.Level;

/**
 * One step of a {@link Ladder}: a level and what it was measured to cost and save on this machine.
 *
 * @param index 0 for dense, then increasing sparsity
 * @param budget the largest held-out perplexity increase it was chosen for (0.1 = +10%); 0 for dense
 * @param perplexity held-out perplexity at this level
 * @param perplexityRatio perplexity over the dense model's, same text and windows
 * @param relativeCost estimated cost of a decode step relative to dense (see DecodeCost)
 * @param decodeSpeedupBatch8 decode tokens/s at batch 8 over dense, measured side by side in the same run
 * @param decodeSpeedupBatch1 the same at batch 1
 */
public record Rung(int index, double budget, Level level, double perplexity, double perplexityRatio, double relativeCost,
                   double decodeSpeedupBatch8, double decodeSpeedupBatch1) {

    public Rung {
        if (index < 0) {
            throw new IllegalArgumentException("rung index must be non-negative, got " + index);
        }
        if (!(budget >= 0)) {
            throw new IllegalArgumentException("rung " + index + ": budget must be non-negative, got " + budget);
        }
        if (!(perplexity > 0 && perplexityRatio > 0 && relativeCost > 0)) {
            throw new IllegalArgumentException("rung " + index + ": perplexity, its ratio and the cost must be positive");
        }
        if (!(decodeSpeedupBatch8 > 0 && decodeSpeedupBatch1 > 0)) {
            throw new IllegalArgumentException("rung " + index + ": decode speed-ups must be positive");
        }
    }
}
