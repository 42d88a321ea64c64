package dev.arborist.policies.structured.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.arborist.model.nn.MlpWeights;
import dev.arborist.model.nn.MoeWeights;
import java.util.Arrays;

/**
 * Replays one MoE block on recorded calibration rows: the router's choice over any subset of
 * experts, and any expert's output. Removing experts from a Mixtral block removes their router
 * rows, so the survivors' softmax and top-k are recomputed among themselves; renormalised gates
 * over the chosen k only depend on the chosen logits: g_i = exp(l_i) / sum over chosen exp(l_j).
 */
public final class MoeProbe {
    private final float[] inputs; // (M, d)
    private final int rows;
    private final int hidden;
    private final MoeWeights weights;
    private final NDManager manager;
    private final float[] logits; // (M, E)

    MoeProbe(float[] inputs, int hidden, MoeWeights weights, NDManager manager) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.rows = inputs.length / hidden;
        this.weights = weights;
        this.manager = manager;
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray x = scratch.create(inputs, new Shape(rows, hidden));
            this.logits = Linear.linear(x, weights.router()).singletonOrThrow().toFloatArray();
        }
    }

    public int rows() {
        return rows;
    }

    public int hidden() {
        return hidden;
    }

    public int experts() {
        return weights.numExperts();
    }

    public int topK() {
        return weights.topK();
    }

    /** Routing with every expert available. */
    public Routing route() {
        boolean[] all = new boolean[experts()];
        Arrays.fill(all, true);
        return route(all);
    }

    /** @param available (E) experts the router may pick; at least top-k of them */
    public Routing route(boolean[] available) {
        int e = experts();
        int k = topK();
        int[] chosen = new int[rows * k];
        float[] gates = new float[rows * k];
        for (int m = 0; m < rows; m++) {
            boolean[] taken = new boolean[e];
            for (int s = 0; s < k; s++) {
                int best = -1;
                for (int j = 0; j < e; j++) {
                    if (available[j] && !taken[j] && (best < 0 || logits[m * e + j] > logits[m * e + best])) {
                        best = j;
                    }
                }
                if (best < 0) {
                    throw new IllegalArgumentException("fewer than top-k=" + k + " experts available");
                }
                taken[best] = true;
                chosen[m * k + s] = best;
            }
            double first = logits[m * e + chosen[m * k]]; // the largest: exp never overflows
            double sum = 0;
            for (int s = 0; s < k; s++) {
                sum += Math.exp(logits[m * e + chosen[m * k + s]] - first);
            }
            for (int s = 0; s < k; s++) {
                gates[m * k + s] = (float) (Math.exp(logits[m * e + chosen[m * k + s]] - first) / sum);
            }
        }
        return new Routing(k, chosen, gates);
    }

    /**
     * SwiGLU output of one expert on some rows: down(silu(w1 x) * w3 x).
     *
     * @return (rows.length, d)
     */
    public float[] expertOutput(int expert, int[] rowIds) {
        if (rowIds.length == 0) {
            return new float[0];
        }
        MlpWeights w = weights.experts().get(expert);
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            long[] ids = Arrays.stream(rowIds).asLongStream().toArray();
            NDArray x = scratch.create(inputs, new Shape(rows, hidden)).get(new NDIndex("{}", scratch.create(ids))); // (n, d)
            NDArray g = Linear.linear(x, w.gate()).singletonOrThrow(); // (n, f)
            NDArray u = Linear.linear(x, w.up()).singletonOrThrow();
            NDArray h = g.mul(Activation.sigmoid(g)).mul(u);
            return Linear.linear(h, w.down()).singletonOrThrow().toFloatArray(); // (n, d)
        }
    }

    /** @return (M, d) the expert's output on every row */
    public float[] expertOutput(int expert) {
        int[] all = new int[rows];
        Arrays.setAll(all, i -> i);
        return expertOutput(expert, all);
    }
}
