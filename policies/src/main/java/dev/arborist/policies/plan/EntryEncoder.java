package dev.arborist.policies.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a {@link PlanEntry} writes itself: JSON fields for the plan's entry list, tensors for
 * plan.safetensors. The entry list is stored inside plan.safetensors too, so the plan id (its
 * sha256) covers every decision.
 */
public interface EntryEncoder {

    /** The entry's JSON object in the plan's entry list (the "kind" field is written for you). */
    ObjectNode json();

    /** Stores a float tensor under a name unique within the plan; returns the stored name. */
    String tensor(String name, long[] shape, float[] data);

    /** Stores raw bytes (a 1-D U8 tensor, e.g. a bit-packed mask); returns the stored name. */
    String bytes(String name, byte[] data);
}
