package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.arborist.model.instrument.Instrumentation;

/**
 * Sparse mixture of experts (Shazeer et al. 2017; Mixtral, Jiang et al. 2024): softmax over the
 * router logits, top-k experts per token, gates renormalised over the chosen k. Tokens are grouped
 * by expert so each used expert runs one batched matmul; computing every expert would waste E/k
 * of the work.
 */
final class MoeLayer {
    private MoeLayer() {}

    /** @param x (B, T, d) normalised hidden state @return (B, T, d) */
    static NDArray forward(NDArray x, MoeWeights w, int layer, ForwardContext ctx) {
        Shape shape = x.getShape();
        long d = shape.get(2);
        NDArray flat = x.reshape(-1, d); // (N, d)
        int n = (int) flat.getShape().get(0);
        int k = w.topK();
        NDArray probs = Linear.linear(flat, w.router()).singletonOrThrow().softmax(-1); // (N, E)
        NDList top = probs.topK(k, -1);
        NDManager m = flat.getManager();
        long[] chosen = top.get(1).toLongArray(); // (N*k)
        boolean[] active = Dispatch.realPairs(ctx.validRows(), n, k);
        NDArray chosenProbs = top.get(0); // (N, k), sorted descending
        if (w.skipBeta() > 0) {
            chosenProbs = chosenProbs.mul(m.create(skipMask(chosenProbs.toFloatArray(), k, w.skipBeta(), active), new Shape(n, k)));
        }
        NDArray gates = chosenProbs.div(chosenProbs.sum(new int[] {-1}, true)); // (N, k) renormalised over the experts that run
        Dispatch dispatch = Dispatch.of(chosen, w.numExperts(), k, active);

        NDArray routed = flat.get(new NDIndex("{}", m.create(dispatch.tokenOfSlot()))); // (P, d)
        Instrumentation obs = ctx.instrumentation();
        NDList outputs = new NDList();
        for (int e = 0; e < w.numExperts(); e++) {
            if (dispatch.count(e) > 0) {
                NDArray xe = routed.get(new NDIndex().addSliceDim(dispatch.start(e), dispatch.start(e) + dispatch.count(e)));
                outputs.add(FeedForward.forward(xe, w.experts().get(e), layer, e, obs, ctx));
            }
        }
        outputs.add(m.zeros(new Shape(1, d))); // what padding tokens receive
        NDArray perPair = NDArrays.concat(outputs, 0)
                .get(new NDIndex("{}", m.create(dispatch.slotOfPair())))
                .reshape(n, k, d);
        NDArray y = perPair.mul(gates.expandDims(-1)).sum(new int[] {1}); // (N, d)

        if (obs.active()) {
            obs.routing(layer, dispatch.realPairs(chosen), dispatch.realPairs(gates.toFloatArray()), k);
        }
        if (ctx.wantsAuxLoss()) {
            ctx.addAuxLoss(loadBalancingLoss(probs, dispatch, w.numExperts(), k));
        }
        return y.reshape(shape);
    }

    /** Drops pairs whose gate is below beta times the token's top gate; returns 1/0 per pair. */
    private static float[] skipMask(float[] probs, int k, double beta, boolean[] active) {
        float[] keep = new float[probs.length];
        for (int p = 0; p < probs.length; p++) {
            int first = p - p % k;
            boolean skip = p != first && probs[p] < beta * probs[first];
            if (skip) {
                active[p] = false;
            }
            keep[p] = skip ? 0f : 1f;
        }
        return keep;
    }

    /** Switch Transformer auxiliary loss (Fedus et al. 2021): E * sum_e f_e * P_e. */
    private static NDArray loadBalancingLoss(NDArray probs, Dispatch dispatch, int experts, int k) {
        float[] scaledFraction = new float[experts];
        for (int e = 0; e < experts; e++) {
            scaledFraction[e] = (float) experts * dispatch.count(e) / Math.max(1, dispatch.pairs());
        }
        NDArray meanProb = probs.mean(new int[] {0}); // (E)
        return meanProb.mul(probs.getManager().create(scaledFraction)).sum();
    }
}
