package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Incremental inference over a {@link KvCache}: each row i appends {@code newLengths[i]} tokens to
 * the sequence in {@code slots[i]}. Prefill (many tokens) and decode (one token) are the same
 * operation, so sequences at different stages can share one batch. Rows are right-padded to the
 * longest row; padded queries are masked and never written past the row's real tokens.
 */
public final class CachedContext extends ForwardContext {
    private final KvCache cache;
    private final int[] slots;
    private final int[] starts;
    private final int[] newLengths;
    private final int queryLength;
    private final NDIndex slotRows; // the batch's slots, parsed once per step rather than twice per layer
    private final NDIndex window;
    private final NDArray positions;
    private final NDArray mask;
    private final long[] validRows;

    public CachedContext(NDManager manager, KvCache cache, int[] slots, int[] newLengths) {
        this.cache = cache;
        this.slots = slots.clone();
        this.newLengths = newLengths.clone();
        int b = slots.length;
        this.starts = new int[b];
        int t = 0;
        int s = 0;
        int real = 0;
        for (int i = 0; i < b; i++) {
            starts[i] = cache.length(slots[i]);
            if (newLengths[i] < 1 || starts[i] + newLengths[i] > cache.capacity()) {
                throw new IllegalArgumentException("sequence in slot " + slots[i] + " would hold "
                        + (starts[i] + newLengths[i]) + " tokens; the context holds " + cache.capacity());
            }
            t = Math.max(t, newLengths[i]);
            s = Math.max(s, starts[i] + newLengths[i]);
            real += newLengths[i];
        }
        this.queryLength = t;
        long[] pos = new long[b * t];
        float[] m = new float[b * t * s];
        long[] valid = new long[real];
        int v = 0;
        for (int i = 0; i < b; i++) {
            int last = starts[i] + newLengths[i] - 1;
            for (int j = 0; j < t; j++) {
                int p = Math.min(starts[i] + j, last); // padded queries repeat the last real position
                pos[i * t + j] = p;
                if (j < newLengths[i]) {
                    valid[v++] = (long) i * t + j;
                }
                int row = (i * t + j) * s;
                for (int k = p + 1; k < s; k++) {
                    m[row + k] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        long[] slotIds = new long[b];
        for (int i = 0; i < b; i++) {
            slotIds[i] = slots[i];
        }
        this.slotRows = new NDIndex("{}", manager.create(slotIds));
        this.window = new NDIndex().addAllDim().addAllDim().addSliceDim(0, s); // (slots, nkv, S, hs): up to the longest row's keys
        this.positions = manager.create(pos, new Shape(b, t));
        this.mask = manager.create(m, new Shape(b, 1, t, s));
        this.validRows = real == b * t ? null : valid;
    }

    public int queryLength() {
        return queryLength;
    }

    /** Row index into the flattened (B*T) output of each sequence's last new token. */
    public long[] lastRows() {
        long[] rows = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            rows[i] = (long) i * queryLength + newLengths[i] - 1;
        }
        return rows;
    }

    @Override
    public NDArray positions() {
        return positions;
    }

    @Override
    public NDArray mask() {
        return mask;
    }

    @Override
    public NDList keysValues(int layer, NDArray k, NDArray v) {
        storeKeysValues(layer, k, v);
        // Slice the first S positions (a view) before gathering the batch's slots, so the gather copies S positions, not the capacity.
        return new NDList(cache.keys(layer).get(window).get(slotRows), cache.values(layer).get(window).get(slotRows));
    }

    @Override
    public boolean cachesKeysValues() {
        return true;
    }

    @Override
    public void storeKeysValues(int layer, NDArray k, NDArray v) {
        NDArray cachedK = cache.keys(layer);
        NDArray cachedV = cache.values(layer);
        for (int i = 0; i < slots.length; i++) {
            // Built without format strings: parsing them was a visible share of a decode step.
            NDIndex target = new NDIndex().addIndices(slots[i]).addAllDim().addSliceDim(starts[i], starts[i] + newLengths[i]);
            NDIndex source = new NDIndex().addIndices(i).addAllDim().addSliceDim(0, newLengths[i]);
            cachedK.set(target, k.get(source));
            cachedV.set(target, v.get(source));
        }
    }

    @Override
    public long[] validRows() {
        return validRows;
    }

    /** Records the new tokens as cached. Call once, after the forward pass succeeded. */
    public void commit() {
        for (int i = 0; i < slots.length; i++) {
            cache.advance(slots[i], newLengths[i]);
        }
    }
}
