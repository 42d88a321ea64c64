package dev.arborist.policies.control;

/**
 * A ladder rung as the controller sees it: what running there costs in quality and gains in speed,
 * both measured against dense when the ladder was built.
 *
 * @param index position on the ladder; 0 is dense, higher is sparser
 * @param perplexityRatio held-out perplexity at this rung divided by dense's (1.0 for dense)
 * @param decodeSpeedup decode throughput at this rung divided by dense's (1.0 for dense)
 */
public record Rung(int index, double perplexityRatio, double decodeSpeedup) {

    public Rung {
        if (index < 0) {
            throw new IllegalArgumentException("rung index must be non-negative, got " + index);
        }
        if (!(perplexityRatio > 0 && Double.isFinite(perplexityRatio))) {
            throw new IllegalArgumentException("perplexity ratio must be a positive number, got " + perplexityRatio);
        }
        if (!(decodeSpeedup > 0 && Double.isFinite(decodeSpeedup))) {
            throw new IllegalArgumentException("decode speed-up must be a positive number, got " + decodeSpeedup);
        }
    }

    /** Rung 0: the dense model, the reference for both ratios. */
    public static Rung dense() {
        return new Rung(0, 1.0, 1.0);
    }
}
