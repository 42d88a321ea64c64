package dev.arborist.model.gen;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;
import java.util.SplittableRandom;

/** The raw batched prefill + greedy decode loop that serving wraps, timed without any server around it. */
public final class DecodeThroughput {
    private final Transformer model;
    private final NDManager manager;

    public DecodeThroughput(Transformer model, NDManager manager) {
        this.model = model;
        this.manager = manager;
    }

    /** @return decode tokens/s for {@code batch} sequences after a {@code promptLength}-token prefill */
    public double decodeTokensPerSecond(int batch, int promptLength, int steps, long seed) {
        try (KvCache cache = model.newCache(manager, batch, promptLength + steps + 1)) {
            int[] slots = new int[batch];
            int[][] feed = prompts(batch, promptLength, seed);
            for (int i = 0; i < batch; i++) {
                slots[i] = cache.acquire();
            }
            BatchDecoder decoder = new BatchDecoder(manager);
            GreedySampler greedy = new GreedySampler();
            float[][] logits = decoder.step(model, cache, slots, feed, Instrumentation.OFF);
            long began = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                for (int i = 0; i < batch; i++) {
                    feed[i] = new int[] {greedy.sample(logits[i])};
                }
                logits = decoder.step(model, cache, slots, feed, Instrumentation.OFF);
            }
            return (double) batch * steps / ((System.nanoTime() - began) / 1e9);
        }
    }

    /** @return prefill tokens/s for {@code batch} prompts of {@code length} tokens */
    public double prefillTokensPerSecond(int batch, int length, long seed) {
        try (KvCache cache = model.newCache(manager, batch, length + 1)) {
            int[] slots = new int[batch];
            for (int i = 0; i < batch; i++) {
                slots[i] = cache.acquire();
            }
            int[][] prompts = prompts(batch, length, seed);
            long began = System.nanoTime();
            new BatchDecoder(manager).step(model, cache, slots, prompts, Instrumentation.OFF);
            return (double) batch * length / ((System.nanoTime() - began) / 1e9);
        }
    }

    private int[][] prompts(int batch, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] p = new int[batch][length];
        for (int[] row : p) {
            for (int j = 0; j < length; j++) {
                row[j] = 3 + random.nextInt(model.config().vocabSize() - 3);
            }
        }
        return p;
    }
}
