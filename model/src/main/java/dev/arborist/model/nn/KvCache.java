package dev.arborist.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Pre-allocated keys and values for up to {@code slots} sequences of up to {@code capacity}
 * tokens. A sequence owns one slot for its lifetime, so sequences can join and leave a running
 * batch (continuous batching) without moving anyone else's cache.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys; // per layer (slots, nkv, capacity, hs)
    private final NDArray[] values;
    private final int[] lengths;
    private final int capacity;
    private final Deque<Integer> free = new ArrayDeque<>();

    KvCache(NDManager parent, int[] kvHeadsPerLayer, int headDim, int slots, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[kvHeadsPerLayer.length];
        this.values = new NDArray[kvHeadsPerLayer.length];
        for (int l = 0; l < kvHeadsPerLayer.length; l++) {
            Shape shape = new Shape(slots, kvHeadsPerLayer[l], capacity, headDim);
            keys[l] = manager.zeros(shape);
            values[l] = manager.zeros(shape);
        }
        this.lengths = new int[slots];
        for (int s = 0; s < slots; s++) {
            free.add(s);
        }
    }

    /** @return a free slot with length 0, or -1 when all slots are taken */
    public synchronized int acquire() {
        Integer slot = free.poll();
        if (slot == null) {
            return -1;
        }
        lengths[slot] = 0;
        return slot;
    }

    public synchronized void release(int slot) {
        lengths[slot] = 0;
        free.add(slot);
    }


    public int slots() {
        return lengths.length;
    }

    public int capacity() {
        return capacity;
    }

    public int length(int slot) {
        return lengths[slot];
    }

    void advance(int slot, int tokens) {
        lengths[slot] += tokens;
    }


    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    @Override
    public void close() {
        manager.close();
    }
}
