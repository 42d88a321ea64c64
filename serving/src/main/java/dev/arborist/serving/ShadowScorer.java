package dev.arborist.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.eval.NextTokenLoss;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;

/**
 * The shadow comparison of issue 5: how much likelier the dense model finds a finished request's
 * generated continuation than the level that generated it. Each model runs one causal forward
 * (no cache) over prompt + completion; the score is the mean log-probability of the completion's
 * tokens. The agent learns from the drop (dense minus level, in nats per token) which inputs
 * tolerate which rung. Runs on the model thread after the request finished: two forwards over
 * one sequence, for the sampled requests only.
 */
final class ShadowScorer {
    private final NDManager manager;

    ShadowScorer(NDManager manager) {
        this.manager = manager;
    }

    /**
     * @param level the model the request ran at
     * @param dense the full model of the same version
     * @param completion at least one token
     */
    RequestRecord.Shadow score(Transformer level, Transformer dense, int[] prompt, int[] completion) {
        if (completion.length == 0 || prompt.length == 0) {
            throw new IllegalArgumentException("a shadow score needs a prompt and at least one generated token");
        }
        long[] sequence = new long[prompt.length + completion.length];
        for (int i = 0; i < prompt.length; i++) {
            sequence[i] = prompt[i];
        }
        for (int i = 0; i < completion.length; i++) {
            sequence[prompt.length + i] = completion[i];
        }
        double atLevel = meanLogLikelihood(level, sequence, prompt.length);
        double atDense = level == dense ? atLevel : meanLogLikelihood(dense, sequence, prompt.length); // rung 0 runs the full model
        return new RequestRecord.Shadow(completion.length, atLevel, atDense);
    }

    /** Mean log p(token) over the tokens from {@code from} on, each predicted from everything before it. */
    private double meanLogLikelihood(Transformer model, long[] sequence, int from) {
        int n = sequence.length;
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray window = scratch.create(sequence, new Shape(1, n)); // (1, n): positions 0..n-2 predict 1..n-1
            NDArray nll = NextTokenLoss.perToken(model, window, new CausalContext(scratch, n - 1)); // (1, n-1)
            return -nll.get(new NDIndex("0, {}:", from - 1)).mean().getFloat();
        }
    }
}
