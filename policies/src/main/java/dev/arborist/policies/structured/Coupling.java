package dev.arborist.policies.structured;

/**
 * One tensor dimension that the units of a group span: unit u occupies indices
 * [u * width, (u + 1) * width) along {@code axis} of {@code tensor} (Torch-Pruning's
 * (dependency, indices) pair).
 *
 * @param axis 0 for rows (the unit is produced by the matrix), 1 for columns (it is read)
 * @param width indices per unit, e.g. 1 for an FFN channel, head_dim for a KV head
 */
public record Coupling(String tensor, int axis, int width) {

    public Coupling {
        if (axis != 0 && axis != 1) {
            throw new IllegalArgumentException("axis must be 0 (rows) or 1 (columns), got " + axis);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
    }

    /** @return the tensor indices along {@link #axis()} occupied by {@code units}, in that order */
    public long[] indices(int[] units) {
        long[] out = new long[units.length * width];
        for (int i = 0; i < units.length; i++) {
            for (int j = 0; j < width; j++) {
                out[i * width + j] = (long) units[i] * width + j;
            }
        }
        return out;
    }
}
