package dev.arborist.model.gen;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/** Nucleus sampling (Holtzman et al. 2020): sample among the smallest set of tokens whose mass reaches p. */
public final class ToppSampler implements Sampler {
    private final double topP;
    private final Random random;

    public ToppSampler(double topP, Random random) {
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        this.topP = topP;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        double[] p = Softmax.of(logits);
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i));
        double mass = 0;
        int keep = 0;
        while (keep < order.length && mass < topP) {
            mass += p[order[keep++]];
        }
        double u = random.nextDouble() * mass;
        double cumulative = 0;
        for (int j = 0; j < keep; j++) {
            cumulative += p[order[j]];
            if (u < cumulative) {
                return order[j];
            }
        }
        return order[keep - 1];
    }
}
