package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.arborist.model.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * What one forward pass needs besides the weights: where each token sits (positions, mask), where
 * keys and values come from (the batch itself or a KV cache), which rows are real tokens, and who
 * observes the pass.
 */
public abstract class ForwardContext {
    private Instrumentation instrumentation = Instrumentation.OFF;
    private List<NDArray> auxLosses;

    /** @return (B, T) int64 absolute positions for RoPE */
    public abstract NDArray positions();

    /** @return additive attention mask (B or 1, 1, T, S): 0 where visible, -inf elsewhere */
    public abstract NDArray mask();

    /**
     * Stores this step's keys and values (B, nkv, T, hs) where needed and returns all keys and
     * values the queries attend to, (B, nkv, S, hs).
     */
    public abstract NDList keysValues(int layer, NDArray k, NDArray v);

    /** Whether this pass stores keys and values for later steps (a KV cache); false for full sequences. */
    public boolean cachesKeysValues() {
        return false;
    }

    /** Stores this step's keys and values (B, nkv, T, hs) without reading any back; nothing to do without a cache. */
    public void storeKeysValues(int layer, NDArray k, NDArray v) {}

    /** @return indices into the flattened (B*T) rows that are real tokens, or null if all are */
    public abstract long[] validRows();

    /** Restricts (B*T, ...) rows to the real tokens: padding must not pollute statistics. */
    public NDArray realRows(NDArray flat) {
        long[] rows = validRows();
        return rows == null ? flat : flat.get(new NDIndex("{}", flat.getManager().create(rows)));
    }

    public Instrumentation instrumentation() {
        return instrumentation;
    }

    public ForwardContext instrument(Instrumentation observer) {
        this.instrumentation = observer == null ? Instrumentation.OFF : observer;
        return this;
    }

    /** Turns on collection of auxiliary losses (the MoE load-balancing loss) for training. */
    public ForwardContext collectAuxLosses() {
        this.auxLosses = new ArrayList<>();
        return this;
    }

    public boolean wantsAuxLoss() {
        return auxLosses != null;
    }

    public void addAuxLoss(NDArray loss) {
        if (auxLosses != null) {
            auxLosses.add(loss);
        }
    }

    public List<NDArray> auxLosses() {
        return auxLosses == null ? List.of() : auxLosses;
    }
}
