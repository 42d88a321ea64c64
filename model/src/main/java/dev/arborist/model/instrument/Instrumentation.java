package dev.arborist.model.instrument;

import ai.djl.ndarray.NDArray;

/**
 * Observes a forward pass. The model calls these hooks only on real (non-padding) tokens and only
 * when {@link #active()} is true, so an inactive instrumentation costs one branch per hook.
 * Implementations must not keep references to the arrays they are given: they are freed after
 * the forward step.
 */
public interface Instrumentation {

    Instrumentation OFF = new Instrumentation() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void linearInput(int layer, LinearSite site, int expert, NDArray x) {}

        @Override
        public void routing(int layer, long[] experts, float[] gates, int topK) {}

        @Override
        public void blockIO(int layer, NDArray in, NDArray out) {}
    };

    boolean active();

    /**
     * Whether {@link #linearInput} wants this site's activations: the model skips gathering the real
     * rows of a site nobody reads.
     */
    default boolean observes(LinearSite site) {
        return true;
    }

    /**
     * @param expert the expert index for MoE feed-forward sites, -1 otherwise
     * @param x (N, in) the activation entering the linear(s) of {@code site}
     */
    void linearInput(int layer, LinearSite site, int expert, NDArray x);

    /**
     * @param experts (N*k) the experts chosen per token, k consecutive entries per token
     * @param gates (N*k) their renormalised gate weights
     */
    void routing(int layer, long[] experts, float[] gates, int topK);

    /** @param in (N, d) residual stream entering the layer; out (N, d) leaving it. */
    void blockIO(int layer, NDArray in, NDArray out);
}
