package dev.arborist.model.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Where one tensor lives: its dtype, shape and the absolute byte range {@code [start, end)} in {@code file}.
 * Offsets are longs throughout because shards are routinely larger than 2 GiB.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long start, long end, Path file) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone(); // records expose arrays by reference; keep this one immutable
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad byte range [" + start + ", " + end + ") for " + name);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements; 1 for a scalar (empty shape). Throws ArithmeticException on overflow. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteLength() {
        return end - start;
    }

    /** E.g. {@code [4096, 11008]}; {@code []} for a scalar. */
    public String shapeString() {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long d : shape) {
            j.add(Long.toString(d));
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && start == t.start && end == t.end && file.equals(t.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), start, end, file);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString() + " @" + file.getFileName() + "[" + start + ", " + end + ")";
    }
}
