package dev.arborist.model.instrument;

/**
 * Running sum of squared activations per input channel of one site: the statistic behind Wanda's
 * |W|·||X_j|| (Sun et al. 2023) and FLAP's channel fluctuation (An et al. 2024).
 */
public final class ChannelStats {
    private final double[] sumSquares;
    private long rows;

    ChannelStats(int channels) {
        this.sumSquares = new double[channels];
    }

    void add(float[] columnSquares, long newRows) {
        for (int j = 0; j < sumSquares.length; j++) {
            sumSquares[j] += columnSquares[j];
        }
        rows += newRows;
    }

    void merge(ChannelStats other) {
        for (int j = 0; j < sumSquares.length; j++) {
            sumSquares[j] += other.sumSquares[j];
        }
        rows += other.rows;
    }

    /** @return ||X_j||_2 per input channel j over all observed rows */
    public double[] norms() {
        double[] n = new double[sumSquares.length];
        for (int j = 0; j < n.length; j++) {
            n[j] = Math.sqrt(sumSquares[j]);
        }
        return n;
    }

    public double[] sumSquares() {
        return sumSquares.clone();
    }

    /** Tokens observed at this site (for an expert: tokens routed to it). */
    public long rows() {
        return rows;
    }

    public int channels() {
        return sumSquares.length;
    }
}
