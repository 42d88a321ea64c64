package dev.arborist.policies.elastic;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.nn.Transformer;
import java.util.Arrays;

/**
 * Decode speed of a level against dense, measured side by side: dense and level runs alternate
 * (ABAB...) and the speed-up is the median of the per-pair ratios, so slow drift on a shared
 * machine cancels within a pair.
 *
 * @param reps alternating pairs per measurement
 * @param steps decode steps per run, after a prompt of {@code promptLength} tokens
 */
public record SpeedComparison(int reps, int steps, int promptLength) {

    /** @param speedup median of level/dense tokens-per-second ratios */
    public record Result(double denseTokensPerSecond, double levelTokensPerSecond, double speedup) {}

    public SpeedComparison {
        if (reps < 1 || steps < 1 || promptLength < 1) {
            throw new IllegalArgumentException("reps, steps and prompt length must be positive, got " + reps + ", " + steps + ", " + promptLength);
        }
    }

    /** Runs both models a few times so that JIT compilation does not land in the first measured pair. */
    public void warmUp(Transformer dense, Transformer level, NDManager manager, int runs) {
        for (int i = 0; i < runs; i++) {
            new DecodeThroughput(dense, manager).decodeTokensPerSecond(1 + i % 2 * 7, promptLength, steps, 0);
            new DecodeThroughput(level, manager).decodeTokensPerSecond(1 + i % 2 * 7, promptLength, steps, 0);
        }
    }

    public Result measure(Transformer dense, Transformer level, NDManager manager, int batch) {
        DecodeThroughput a = new DecodeThroughput(dense, manager);
        DecodeThroughput b = new DecodeThroughput(level, manager);
        double[] d = new double[reps];
        double[] l = new double[reps];
        double[] ratio = new double[reps];
        for (int r = 0; r < reps; r++) {
            d[r] = a.decodeTokensPerSecond(batch, promptLength, steps, 2 + r);
            l[r] = b.decodeTokensPerSecond(batch, promptLength, steps, 2 + r);
            ratio[r] = l[r] / d[r];
        }
        return new Result(median(d), median(l), median(ratio));
    }

    static double median(double[] measured) {
        double[] v = measured.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
