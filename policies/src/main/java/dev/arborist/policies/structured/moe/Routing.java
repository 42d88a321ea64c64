package dev.arborist.policies.structured.moe;

/**
 * Top-k routing of calibration rows: per row the chosen experts by descending gate, with gates
 * renormalised over the chosen k (Mixtral).
 *
 * @param chosen (M*k) experts, k consecutive per row
 * @param gates (M*k) their gates, summing to 1 per row
 */
public record Routing(int topK, int[] chosen, float[] gates) {

    public int rows() {
        return chosen.length / topK;
    }

    public int expert(int row, int slot) {
        return chosen[row * topK + slot];
    }

    public float gate(int row, int slot) {
        return gates[row * topK + slot];
    }
}
