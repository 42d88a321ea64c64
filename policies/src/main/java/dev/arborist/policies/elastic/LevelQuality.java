package dev.arborist.policies.elastic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.arborist.model.eval.NextTokenLoss;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.Transformer;

/**
 * Perplexity of a model at some level over the first windows of a token stream (the same windows
 * as {@link dev.arborist.model.eval.Perplexity}), counting on the way how many experts each token
 * actually ran: NAEE skipping makes that a measured quantity, and the cost estimate needs it.
 */
final class LevelQuality {
    private static final int WINDOWS_PER_BATCH = 8;

    /** @param expertsPerToken mean experts run per token and MoE layer; 0 for a dense model */
    record Measurement(double perplexity, double expertsPerToken) {}

    private final int[] tokens;
    private final int length;
    private final int windows;

    /** @param maxWindows windows of {@code window} tokens evaluated, from the start of {@code tokens} */
    LevelQuality(int[] tokens, int window, int maxWindows) {
        this.tokens = tokens;
        this.length = window;
        this.windows = Math.min(maxWindows, (tokens.length - 1) / window);
        if (windows < 1) {
            throw new IllegalArgumentException("evaluation text has " + tokens.length + " tokens; need more than " + window);
        }
    }

    int windows() {
        return windows;
    }

    Measurement measure(Transformer model) {
        ExpertCounter experts = new ExpertCounter();
        double nll = 0;
        long count = 0;
        for (int first = 0; first < windows; first += WINDOWS_PER_BATCH) {
            int n = Math.min(WINDOWS_PER_BATCH, windows - first);
            int[] starts = new int[n];
            for (int b = 0; b < n; b++) {
                starts[b] = (first + b) * length;
            }
            experts.tokensPerLayer = (long) n * length;
            try (NDManager scratch = model.weights().embed().getManager().newSubManager(); NDScope scope = new NDScope()) {
                CausalContext ctx = new CausalContext(scratch, length);
                ctx.instrument(experts);
                NDArray perToken = NextTokenLoss.perToken(model, NextTokenLoss.windows(scratch, tokens, starts, length), ctx);
                nll += perToken.sum().getFloat();
                count += perToken.size();
            }
        }
        return new Measurement(Math.exp(nll / count), experts.perToken());
    }

    /** Counts (token, expert) pairs that ran; ignores every other hook. */
    private static final class ExpertCounter implements Instrumentation {
        long tokensPerLayer;
        private long pairs;
        private long tokens;

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void linearInput(int layer, LinearSite site, int expert, NDArray x) {}

        @Override
        public void routing(int layer, long[] chosen, float[] gates, int topK) {
            pairs += chosen.length;
            tokens += tokensPerLayer;
        }

        @Override
        public void blockIO(int layer, NDArray in, NDArray out) {}

        double perToken() {
            return tokens == 0 ? 0 : (double) pairs / tokens;
        }
    }
}
