package dev.arborist.agent.window;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The most recent prompts serving sampled (their token ids), for the shadow check of a new plan:
 * a bounded queue, oldest out first, each prompt cut to the model's context.
 */
public final class PromptSample {
    private final int capacity;
    private final int maxTokens;
    private final Deque<int[]> prompts = new ArrayDeque<>();

    public PromptSample(int capacity, int maxTokens) {
        this.capacity = capacity;
        this.maxTokens = maxTokens;
    }

    public void add(int[] tokenIds) {
        if (tokenIds == null || tokenIds.length < 2 || capacity == 0) {
            return;
        }
        if (prompts.size() == capacity) {
            prompts.removeFirst();
        }
        prompts.addLast(Arrays.copyOf(tokenIds, Math.min(tokenIds.length, maxTokens)));
    }

    public int size() {
        return prompts.size();
    }

    /** Every prompt followed by {@code eos}, as one token stream (how evaluation text is laid out). */
    public int[] stream(int eos) {
        int n = prompts.stream().mapToInt(p -> p.length + 1).sum();
        int[] out = new int[n];
        int i = 0;
        for (int[] p : prompts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
            out[i++] = eos;
        }
        return out;
    }

    public List<int[]> state() {
        return new ArrayList<>(prompts);
    }

    public static PromptSample restore(int capacity, int maxTokens, List<int[]> state) {
        PromptSample s = new PromptSample(capacity, maxTokens);
        if (state != null) {
            state.forEach(s::add);
        }
        return s;
    }
}
