package dev.arborist.model.gen;

import java.util.Random;

/** Samples from softmax(logits). */
public final class CategoricalSampler implements Sampler {
    private final Random random;

    public CategoricalSampler(Random random) {
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        double[] p = Softmax.of(logits);
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i];
            if (u < cumulative) {
                return i;
            }
        }
        return p.length - 1;
    }
}
