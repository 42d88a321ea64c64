package dev.arborist.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;

/**
 * How likely a model finds a given continuation of a prompt: one causal forward (no cache) over
 * prompt + continuation, the mean log-probability of the continuation's tokens, each predicted from
 * everything before it. Comparing two models on the same continuation says what one costs the
 * other on this input (serving's shadow score).
 */
public final class ContinuationScore {

    private ContinuationScore() {
    }

    /** @return mean log p(token) over {@code continuation}, in nats per token (at most 0) */
    public static double meanLogLikelihood(Transformer model, int[] prompt, int[] continuation, NDManager manager) {
        if (prompt.length == 0 || continuation.length == 0) {
            throw new IllegalArgumentException("a continuation score needs a prompt and at least one continuation token");
        }
        int n = prompt.length + continuation.length;
        long[] sequence = new long[n];
        for (int i = 0; i < n; i++) {
            sequence[i] = i < prompt.length ? prompt[i] : continuation[i - prompt.length];
        }
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray window = scratch.create(sequence, new Shape(1, n)); // (1, n): positions 0..n-2 predict 1..n-1
            NDArray nll = NextTokenLoss.perToken(model, window, new CausalContext(scratch, n - 1)); // (1, n-1)
            return -nll.get(new NDIndex("0, {}:", prompt.length - 1)).mean().getFloat();
        }
    }
}
