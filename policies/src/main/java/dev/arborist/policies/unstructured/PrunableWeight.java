package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.SiteKey;

/**
 * One linear weight of a decoder layer and the site whose input it reads.
 *
 * @param name the Hugging Face tensor name
 * @param weight (out, in) its current values
 */
public record PrunableWeight(String name, SiteKey site, NDArray weight) {

    public int rows() {
        return (int) weight.getShape().get(0);
    }

    public int cols() {
        return (int) weight.getShape().get(1);
    }

    /** @return (out, in) row-major */
    public float[] values() {
        return weight.toFloatArray();
    }
}
