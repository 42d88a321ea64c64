package dev.arborist.model.train;

/**
 * Perplexity of a unigram model with add-one smoothing, the floor any language model must beat:
 * it knows token frequencies and nothing about context.
 */
public final class UnigramBaseline {
    private UnigramBaseline() {}

    public static double perplexity(int[] train, int[] eval, int vocabSize) {
        long[] counts = new long[vocabSize];
        for (int t : train) {
            counts[t]++;
        }
        double nll = 0;
        for (int t : eval) {
            nll -= Math.log((counts[t] + 1.0) / (train.length + vocabSize));
        }
        return Math.exp(nll / eval.length);
    }
}
