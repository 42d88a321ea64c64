package dev.arborist.policies.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where a {@link PlanEntry} writes itself: JSON fields for the manifest, tensors for plan.safetensors. */
public interface EntryEncoder {

    /** The entry's JSON object in the manifest (the "kind" field is written for you). */
    ObjectNode json();

    /** Stores a float tensor under a name unique within the plan; returns the stored name. */
    String tensor(String name, long[] shape, float[] data);
}
