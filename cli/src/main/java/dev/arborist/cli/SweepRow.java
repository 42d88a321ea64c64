package dev.arborist.cli;

/**
 * One point of a sweep.
 *
 * @param sparsity achieved: share of zeros over the tensors the plan changed (0 for dense)
 * @param parameters parameters of the materialised model (structured methods shrink it)
 * @param decodeTokensPerSecond batch-8 greedy decode throughput, NaN when not measured
 */
record SweepRow(String method, String pattern, double targetSparsity, double sparsity, double perplexity,
                double perplexityRatio, long parameters, double decodeTokensPerSecond, double seconds) {

    String label() {
        return pattern.equals("unstructured") || pattern.equals("-") ? method : method + " " + pattern;
    }
}
