package dev.arborist.policies.unstructured;

/** |W_ij|, compared over the whole matrix (Han et al. 2015, "Learning both Weights and Connections"). */
public final class Magnitude implements WeightImportance {

    @Override
    public InputStatistic needs() {
        return InputStatistic.NONE;
    }

    @Override
    public Comparison comparison() {
        return Comparison.PER_MATRIX;
    }

    @Override
    public Scores score(PrunableWeight weight, SiteInputs inputs) {
        float[] w = weight.values();
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i]);
        }
        return new Scores(weight.rows(), weight.cols(), w);
    }
}
