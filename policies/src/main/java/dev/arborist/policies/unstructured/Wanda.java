package dev.arborist.policies.unstructured;

/** |W_ij| * ||X_j||_2, compared within each output row (Sun et al. 2023, "A Simple and Effective Pruning Approach for LLMs"). */
public final class Wanda implements WeightImportance {

    @Override
    public InputStatistic needs() {
        return InputStatistic.CHANNEL_NORMS;
    }

    @Override
    public Comparison comparison() {
        return Comparison.PER_ROW;
    }

    @Override
    public Scores score(PrunableWeight weight, SiteInputs inputs) {
        int rows = weight.rows();
        int cols = weight.cols();
        float[] w = weight.values(); // (out, in)
        double[] norms = inputs.channelNorms(cols); // (in)
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = (float) (Math.abs(w[r * cols + c]) * norms[c]);
            }
        }
        return new Scores(rows, cols, w);
    }
}
