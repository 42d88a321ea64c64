package dev.arborist.cli;

/**
 * One point of a sweep.
 *
 * @param sparsity share of zeros over the tensors the plan changed (0 for dense)
 * @param modelSparsity share of the dense model's parameters that are zero or removed: comparable
 *     across unstructured and structured methods
 * @param parameters parameters of the materialised model (structured methods shrink it)
 * @param decodeTokensPerSecond batch-8 greedy decode throughput, NaN when not measured
 * @param decodeSpeedup decode tokens/s over dense, median of side-by-side pairs, NaN when not measured
 */
record SweepRow(String method, String pattern, double targetSparsity, double sparsity, double modelSparsity, double perplexity,
                double perplexityRatio, long parameters, double decodeTokensPerSecond, double decodeSpeedup, double seconds) {

    String label() {
        return pattern.equals("unstructured") || pattern.equals("-") ? method : method + " " + pattern;
    }
}
