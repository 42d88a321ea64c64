package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;

/** SwiGLU feed-forward (Shazeer 2020): down(silu(gate(x)) * up(x)). */
final class FeedForward {
    private FeedForward() {}

    /**
     * @param x (N, d) real rows only, or (B, T, d) for a dense layer
     * @param expert the expert index for instrumentation, -1 for a dense MLP
     */
    static NDArray forward(NDArray x, MlpWeights w, int layer, int expert, Instrumentation obs, ForwardContext ctx) {
        boolean dense = expert < 0;
        if (obs.active() && obs.observes(LinearSite.FFN_IN)) {
            obs.linearInput(layer, LinearSite.FFN_IN, expert, dense ? ctx.realRows(flat(x)) : x);
        }
        NDArray g = Linear.linear(x, w.gate()).singletonOrThrow(); // (..., f)
        NDArray u = Linear.linear(x, w.up()).singletonOrThrow();
        NDArray h = g.mul(Activation.sigmoid(g)).mul(u);
        if (obs.active() && obs.observes(LinearSite.FFN_OUT)) {
            obs.linearInput(layer, LinearSite.FFN_OUT, expert, dense ? ctx.realRows(flat(h)) : h);
        }
        return Linear.linear(h, w.down()).singletonOrThrow(); // (..., d)
    }

    private static NDArray flat(NDArray x) {
        return x.reshape(-1, x.getShape().get(x.getShape().dimension() - 1));
    }
}
