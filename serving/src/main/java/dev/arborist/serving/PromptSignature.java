package dev.arborist.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.arborist.model.nn.LayerWeights;
import dev.arborist.model.nn.Transformer;

/**
 * The input signature of a prompt, a feature of the per-input policy table (issue 5: "expert usage
 * of the prompt in the first layers, clustered"). It is the expert that layer 0's router prefers
 * for the prompt as a whole: the prompt's token embeddings, RMS-normed with layer 0's
 * post-attention norm weight (the norm in front of its router), go through layer 0's router; the
 * softmax routing probabilities are averaged over the prompt's tokens and the signature is the
 * argmax expert, in the dense base model's expert order. So there are as many clusters as experts,
 * and no clustering model to ship or keep in sync.
 *
 * <p>Why this and not the real routing: layer 0's router sees postNorm(embedding + attention), and
 * leaving attention out costs one gather and one (T, d) x (d, E) matmul on the model thread, no
 * attention, no expert, no cache slot; it is deterministic. Computed on the dense base weights, whose
 * expert order never changes, so a policy table learned while one plan served still means the
 * same inputs under the next plan (an elastic plan permutes router rows).
 *
 * <p>Null for models whose layer 0 is not a mixture of experts.
 */
final class PromptSignature {
    private final Transformer base;
    private final NDManager manager;
    private final float rmsEps;

    /** @param base the dense base model; its weights are read, never changed */
    PromptSignature(Transformer base, NDManager manager) {
        this.base = base;
        this.manager = manager;
        this.rmsEps = (float) base.config().rmsNormEps();
    }

    /** @return the preferred expert of layer 0 for {@code prompt}, or null for a model without a router in layer 0 */
    Integer of(int[] prompt) {
        LayerWeights first = base.weights().layers().get(0);
        if (!first.isMoe() || prompt.length == 0) {
            return null;
        }
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            long[] ids = new long[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                ids[i] = prompt[i];
            }
            NDArray x = base.weights().embed().get(new NDIndex("{}", scratch.create(ids))); // (T, d)
            NDArray rms = x.square().mean(new int[] {-1}, true).add(rmsEps).sqrt(); // (T, 1)
            NDArray normed = x.div(rms).mul(first.postNorm()); // (T, d)
            NDArray probs = Linear.linear(normed, first.moe().router()).singletonOrThrow().softmax(-1); // (T, E)
            return (int) probs.mean(new int[] {0}).argMax().toLongArray()[0]; // mean over tokens (E) -> expert
        }
    }
}
