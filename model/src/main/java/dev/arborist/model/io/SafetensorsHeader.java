package dev.arborist.model.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed and validated header of one safetensors file: an 8-byte little-endian length N, then N bytes of JSON
 * mapping tensor names to {dtype, shape, data_offsets} (relative to the data region at 8 + N), plus an optional
 * {@code __metadata__} map of strings.
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";
    /** Same cap as the reference Rust implementation; a larger "length" means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    // Duplicate keys would silently shadow a tensor; reject them instead.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    SafetensorsHeader {
        tensors = Collections.unmodifiableMap(tensors);
        metadata = Collections.unmodifiableMap(metadata);
    }

    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw fail(file, "is " + fileSize + " bytes, too small to hold the 8-byte header length");
        }
        long headerLength = readFully(channel, 0, 8).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
            throw fail(file, "header length " + Long.toUnsignedString(headerLength) + " is outside 1.."
                    + MAX_HEADER_BYTES + ": not a safetensors file");
        }
        if (headerLength > fileSize - 8) {
            throw fail(file, "header length " + headerLength + " is larger than the file (" + fileSize
                    + " bytes): truncated or not a safetensors file");
        }
        ByteBuffer json = readFully(channel, 8, (int) headerLength);
        JsonNode root;
        try {
            root = JSON.readTree(new String(json.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException("safetensors file " + file + ": header is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw fail(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        return parse(file, root, dataStart, fileSize - dataStart);
    }

    private static SafetensorsHeader parse(Path file, JsonNode root, long dataStart, long dataLength) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                metadata.putAll(parseMetadata(file, e.getValue()));
            } else {
                TensorEntry entry = new TensorEntry(file, e.getKey(), e.getValue());
                tensors.put(e.getKey(), entry.toInfo(dataStart, dataLength));
            }
        }
        return new SafetensorsHeader(tensors, metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw fail(file, METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw fail(file, METADATA_KEY + " value for '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new EOFException("end of file at byte " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    static SafetensorsException fail(Path file, String problem) {
        return new SafetensorsException("safetensors file " + file + " " + problem);
    }
}
