package dev.arborist.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes float tensors to one safetensors file as F32, F16 or BF16, in the map's iteration order (pass a
 * LinkedHashMap to control it), optionally followed by raw 1-D U8 tensors (e.g. bit-packed masks). The file
 * appears atomically; see {@link AtomicFiles}.
 */
public final class SafetensorsWriter {

    /** Encode buffer size: bounds memory while writing tensors of any size. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata, DType dtype) {
        write(file, tensors, Map.of(), metadata, dtype);
    }

    /** @param bytes raw tensors written as 1-D U8 after the float ones; names must differ from theirs */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, byte[]> bytes, Map<String, String> metadata,
                             DType dtype) {
        if (!dtype.convertsToFloat()) {
            throw new IllegalArgumentException("can only write F32, F16 or BF16, not " + dtype);
        }
        byte[] header = header(tensors, bytes, metadata, dtype);
        AtomicFiles.write(file, channel -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            AtomicFiles.writeFully(channel, prefix);
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorData t : tensors.values()) {
                writeData(channel, t.data(), dtype, buf);
            }
            for (byte[] b : bytes.values()) {
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(b));
            }
        });
    }

    /** Header JSON, space-padded so the data region starts on an 8-byte boundary as the format requires. */
    static byte[] header(Map<String, TensorData> tensors, Map<String, byte[]> bytes, Map<String, String> metadata, DType dtype) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            offset = putEntry(root, e.getKey(), dtype, e.getValue().shape(), offset, e.getValue().byteLength(dtype));
        }
        for (Map.Entry<String, byte[]> e : bytes.entrySet()) {
            if (tensors.containsKey(e.getKey())) {
                throw new IllegalArgumentException("tensor name '" + e.getKey() + "' used twice");
            }
            offset = putEntry(root, e.getKey(), DType.U8, new long[] {e.getValue().length}, offset, e.getValue().length);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Adds one header entry and returns the offset after its data. */
    private static long putEntry(ObjectNode root, String name, DType dtype, long[] shape, long offset, long length) {
        if (name.isEmpty() || name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        ObjectNode entry = root.putObject(name);
        entry.put("dtype", dtype.safetensorsName());
        Arrays.stream(shape).forEach(entry.putArray("shape")::add);
        entry.putArray("data_offsets").add(offset).add(offset + length);
        return offset + length;
    }

    private static void writeData(FileChannel channel, float[] data, DType dtype, ByteBuffer buf) throws IOException {
        int perChunk = buf.capacity() / dtype.bytesPerElement();
        for (int from = 0; from < data.length; from += perChunk) {
            buf.clear();
            FloatCodec.encode(data, from, Math.min(perChunk, data.length - from), dtype, buf);
            AtomicFiles.writeFully(channel, buf.flip());
        }
    }
}
