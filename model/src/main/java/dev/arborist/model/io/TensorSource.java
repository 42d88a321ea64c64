package dev.arborist.model.io;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/** Named tensors the model loader reads, whether from one safetensors file or a sharded checkpoint. */
public interface TensorSource extends AutoCloseable {

    /** Tensor names in file (or index) order. */
    Set<String> names();

    /** Throws {@link SafetensorsException} naming the tensor and the file or directory when it is absent. */
    TensorInfo info(String name);

    /** Decodes an F32, F16 or BF16 tensor to float, row-major. */
    float[] readFloats(String name);

    /** The tensor's raw little-endian bytes, read-only, for dtypes that do not convert to float. */
    ByteBuffer readBytes(String name);

    Map<String, String> metadata();

    default boolean contains(String name) {
        return names().contains(name);
    }

    @Override
    void close();
}
