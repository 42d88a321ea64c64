package dev.arborist.model.gen;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates continuations for a batch of prompts: one batched prefill, then batched decode steps;
 * finished sequences leave the batch.
 */
public final class Generator {
    /** Receives each token as it is produced (e.g. to stream it). */
    @FunctionalInterface
    public interface TokenListener {
        void onToken(int sequence, int token);
    }

    private final Transformer model;
    private final NDManager manager;

    public Generator(Transformer model, NDManager manager) {
        this.model = model;
        this.manager = manager;
    }

    public List<Completion> generate(List<int[]> prompts, GenerationParams params, List<Sampler> samplers, TokenListener listener) {
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        int capacity = Math.min(model.config().maxPositions(), longest + params.maxTokens());
        for (int[] p : prompts) {
            if (p.length == 0 || p.length >= model.config().maxPositions()) {
                throw new IllegalArgumentException("prompt of " + p.length + " tokens: must be 1.." + (model.config().maxPositions() - 1));
            }
        }
        BatchDecoder decoder = new BatchDecoder(manager);
        try (KvCache cache = model.newCache(manager, prompts.size(), capacity)) {
            int n = prompts.size();
            int[] slots = new int[n];
            List<List<Integer>> out = new ArrayList<>();
            FinishReason[] reasons = new FinishReason[n];
            for (int i = 0; i < n; i++) {
                slots[i] = cache.acquire();
                out.add(new ArrayList<>());
            }
            int[][] feed = prompts.toArray(new int[0][]);
            int[] active = java.util.stream.IntStream.range(0, n).toArray();
            while (active.length > 0) {
                int[] activeSlots = new int[active.length];
                int[][] activeFeed = new int[active.length][];
                for (int j = 0; j < active.length; j++) {
                    activeSlots[j] = slots[active[j]];
                    activeFeed[j] = feed[active[j]];
                }
                float[][] logits = decoder.step(model, cache, activeSlots, activeFeed, Instrumentation.OFF);
                List<Integer> still = new ArrayList<>();
                for (int j = 0; j < active.length; j++) {
                    int seq = active[j];
                    int token = samplers.get(seq).sample(logits[j]);
                    if (params.stopTokens().contains(token)) {
                        reasons[seq] = FinishReason.STOP;
                        continue;
                    }
                    out.get(seq).add(token);
                    listener.onToken(seq, token);
                    if (out.get(seq).size() >= params.maxTokens() || cache.length(slots[seq]) + 1 >= cache.capacity()) {
                        reasons[seq] = FinishReason.LENGTH;
                    } else {
                        feed[seq] = new int[] {token};
                        still.add(seq);
                    }
                }
                active = still.stream().mapToInt(Integer::intValue).toArray();
            }
            List<Completion> completions = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                completions.add(new Completion(out.get(i).stream().mapToInt(Integer::intValue).toArray(), reasons[i]));
            }
            return completions;
        }
    }
}
