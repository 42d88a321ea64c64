package dev.arborist.policies.elastic;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.nn.Transformer;

/**
 * Perplexity of a model at some level over the first windows of a token stream
 * ({@link Perplexity} with an observer), counting on the way how many experts each token actually
 * ran: NAEE skipping makes that a measured quantity, and the cost estimate needs it.
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
        Perplexity.Result r = Perplexity.evaluate(model, tokens, length, WINDOWS_PER_BATCH, windows, experts);
        return new Measurement(r.perplexity(), experts.perToken(r.tokens()));
    }

    /** Counts (token, expert) pairs that ran; ignores every other hook. */
    private static final class ExpertCounter implements Instrumentation {
        private final java.util.Set<Integer> moeLayers = new java.util.HashSet<>();
        private long pairs;

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void linearInput(int layer, LinearSite site, int expert, NDArray x) {}

        @Override
        public void routing(int layer, long[] chosen, float[] gates, int topK) {
            pairs += chosen.length;
            moeLayers.add(layer);
        }

        @Override
        public void blockIO(int layer, NDArray in, NDArray out) {}

        /** Every MoE layer routes every evaluated token once. */
        double perToken(long tokens) {
            return moeLayers.isEmpty() || tokens == 0 ? 0 : (double) pairs / ((long) moeLayers.size() * tokens);
        }
    }
}
