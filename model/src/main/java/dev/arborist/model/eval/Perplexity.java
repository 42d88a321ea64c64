package dev.arborist.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;

/**
 * Perplexity exp(mean NLL) over non-overlapping windows of a token stream: each token after the
 * first is predicted exactly once, from at most one window of context.
 */
public final class Perplexity {
    private Perplexity() {}

    /** @param perplexity exp(meanNll) @param tokens predicted tokens */
    public record Result(double perplexity, double meanNll, long tokens) {}

    public static Result evaluate(Transformer model, int[] tokens, int window, int batch) {
        return evaluate(model, tokens, window, batch, Integer.MAX_VALUE);
    }

    /** @param maxWindows evaluate at most this many windows (from the start) */
    public static Result evaluate(Transformer model, int[] tokens, int window, int batch, int maxWindows) {
        return evaluate(model, tokens, window, batch, maxWindows, Instrumentation.OFF);
    }

    /** @param observer sees every forward (e.g. to count the experts that ran); {@link Instrumentation#OFF} for none */
    public static Result evaluate(Transformer model, int[] tokens, int window, int batch, int maxWindows, Instrumentation observer) {
        int length = Math.min(window, model.config().maxPositions());
        int windows = Math.min(maxWindows, (tokens.length - 1) / length);
        if (windows < 1) {
            throw new IllegalArgumentException("text too short: " + tokens.length + " tokens, need more than " + length);
        }
        double sum = 0;
        long count = 0;
        for (int first = 0; first < windows; first += batch) {
            int n = Math.min(batch, windows - first);
            int[] starts = new int[n];
            for (int b = 0; b < n; b++) {
                starts[b] = (first + b) * length;
            }
            try (NDManager scratch = model.weights().embed().getManager().newSubManager();
                 NDScope scope = new NDScope()) {
                CausalContext ctx = new CausalContext(scratch, length);
                ctx.instrument(observer);
                NDArray nll = NextTokenLoss.perToken(model, NextTokenLoss.windows(scratch, tokens, starts, length), ctx);
                sum += nll.sum().getFloat();
                count += nll.size();
            }
        }
        double mean = sum / count;
        return new Result(Math.exp(mean), mean, count);
    }

}
