package dev.arborist.policies.unstructured;

/**
 * One importance score per weight of a matrix; the lowest scores are pruned first.
 *
 * @param values (rows, cols) row-major
 */
public record Scores(int rows, int cols, float[] values) {

    public Scores {
        if (rows < 1 || cols < 1 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " scores need " + (long) rows * cols
                    + " values, got " + values.length);
        }
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }
}
