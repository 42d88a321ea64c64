package dev.arborist.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Validates one tensor entry of a safetensors header and turns it into a {@link TensorInfo}. */
final class TensorEntry {

    private final Path file;
    private final String name;
    private final JsonNode node;

    TensorEntry(Path file, String name, JsonNode node) {
        this.file = file;
        this.name = name;
        this.node = node;
    }

    /** {@code dataStart}: absolute offset of the data region; {@code dataLength}: its size in bytes. */
    TensorInfo toInfo(long dataStart, long dataLength) {
        if (!node.isObject()) {
            throw fail("entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail("missing or non-string \"dtype\"");
        }
        DType dtype = DType.fromSafetensorsName(dtypeNode.textValue())
                .orElseThrow(() -> fail("unknown dtype '" + dtypeNode.textValue() + "'"));
        long[] shape = longs("shape", -1);
        long[] offsets = longs("data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail("data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw fail("data_offsets [" + begin + ", " + end + "] run past the end of the data region ("
                    + dataLength + " bytes): file truncated or offsets out of range");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end, file);
        long expected = expectedBytes(info);
        if (end - begin != expected) {
            throw fail("data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes but "
                    + dtype.safetensorsName() + " " + info.shapeString() + " needs " + expected);
        }
        return info;
    }

    private long expectedBytes(TensorInfo info) {
        try {
            return Math.multiplyExact(info.numel(), info.dtype().bytesPerElement());
        } catch (ArithmeticException e) {
            throw fail("shape " + info.shapeString() + " overflows a 64-bit byte count");
        }
    }

    /** Reads a non-negative integer array; {@code length} -1 accepts any length. */
    private long[] longs(String key, int length) {
        JsonNode array = node.get(key);
        if (array == null || !array.isArray() || (length >= 0 && array.size() != length)) {
            String want = length >= 0 ? "an array of " + length + " integers" : "an integer array";
            throw fail("\"" + key + "\" must be " + want + ", got " + array);
        }
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw fail("\"" + key + "\" must hold non-negative integers, got " + array);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private SafetensorsException fail(String problem) {
        return new SafetensorsException("safetensors file " + file + ", tensor '" + name + "': " + problem);
    }
}
