package dev.arborist.model.io;

import java.util.Arrays;
import java.util.Objects;

/** A float tensor to be written: its shape and row-major data. Held by reference; the writer only reads it. */
public record TensorData(long[] shape, float[] data) {

    public TensorData {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        if (numel != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel
                    + " elements but data has " + data.length);
        }
    }

    public static TensorData of(float[] data, long... shape) {
        return new TensorData(shape, data);
    }

    public long byteLength(DType dtype) {
        return (long) data.length * dtype.bytesPerElement();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
