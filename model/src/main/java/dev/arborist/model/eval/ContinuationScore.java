package dev.arborist.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;
import java.util.List;

/**
 * How a model sees a given continuation of a prompt: one causal forward (no cache) over prompt +
 * continuation, read at the continuation's positions, each predicted from everything before it.
 * Comparing models on the same continuation says what one costs the other on this input (serving's
 * shadow score).
 */
public final class ContinuationScore {

    /**
     * Every model's view of one continuation, index = model (0: the reference).
     *
     * @param logLikelihoods mean log p(token) of the continuation's tokens, nats per token (at most 0)
     * @param divergences mean over the continuation's positions of KL(reference || model) of the next-token
     *     distributions, nats per token (0 for the reference, never negative): the log-likelihood a model loses
     *     on average on text the reference would write there. Unlike the drop in {@code logLikelihoods}, it does
     *     not reward a flatter model for a sampled, unlikely token.
     */
    public record Profile(double[] logLikelihoods, double[] divergences) {
    }

    private ContinuationScore() {
    }

    /** @return mean log p(token) over {@code continuation}, in nats per token (at most 0) */
    public static double meanLogLikelihood(Transformer model, int[] prompt, int[] continuation, NDManager manager) {
        return profile(List.of(model), prompt, continuation, manager).logLikelihoods()[0];
    }

    /** One forward per model; the reference's next-token distributions are kept for the divergences. */
    public static Profile profile(List<Transformer> models, int[] prompt, int[] continuation, NDManager manager) {
        if (prompt.length == 0 || continuation.length == 0) {
            throw new IllegalArgumentException("a continuation score needs a prompt and at least one continuation token");
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a continuation profile needs at least the reference model");
        }
        int n = prompt.length + continuation.length;
        long[] sequence = new long[n];
        for (int i = 0; i < n; i++) {
            sequence[i] = i < prompt.length ? prompt[i] : continuation[i - prompt.length];
        }
        double[] logLikelihoods = new double[models.size()];
        double[] divergences = new double[models.size()];
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            // positions prompt.length-1 .. n-2 predict the continuation's tokens
            NDArray inputs = scratch.create(java.util.Arrays.copyOf(sequence, n - 1), new Shape(1, n - 1));
            NDArray targets = scratch.create(java.util.Arrays.copyOfRange(sequence, prompt.length, n), new Shape(continuation.length, 1));
            NDIndex continuationRows = new NDIndex("0, {}:", prompt.length - 1);
            NDArray reference = null;
            for (int m = 0; m < models.size(); m++) {
                Transformer model = models.get(m);
                NDArray logProbs = model.logits(model.hidden(inputs, new CausalContext(scratch, n - 1))).get(continuationRows).logSoftmax(-1);
                logLikelihoods[m] = logProbs.gather(targets, -1).mean().getFloat();
                if (m == 0) {
                    reference = logProbs;
                } else {
                    NDArray kl = reference.exp().mul(reference.sub(logProbs)).sum(new int[] {-1}); // per position
                    divergences[m] = Math.max(0, kl.mean().getFloat()); // rounding may leave a tiny negative
                }
            }
        }
        return new Profile(logLikelihoods, divergences);
    }
}
