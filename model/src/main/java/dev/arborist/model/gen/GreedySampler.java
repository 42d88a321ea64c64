package dev.arborist.model.gen;

/** Always the most likely token (ties: the lowest id). */
public final class GreedySampler implements Sampler {
    @Override
    public int sample(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
