package dev.arborist.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a checkpoint as Hugging Face-style shards ({@code model-00001-of-0000N.safetensors}) plus
 * {@code model.safetensors.index.json}. Tensors keep their order and are packed greedily; a tensor larger than the
 * shard limit gets a shard of its own.
 */
public final class ShardedSafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardedSafetensorsWriter() {
    }

    /**
     * {@code metadata} goes into every shard's {@code __metadata__} and into the index's {@code metadata}, next to
     * {@code total_size}. Returns the index file.
     */
    public static Path write(Path dir, Map<String, TensorData> tensors, Map<String, String> metadata, DType dtype,
            long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        List<Map<String, TensorData>> shards = plan(tensors, dtype, maxShardBytes);
        Map<String, String> weightMap = new LinkedHashMap<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(shardName), shards.get(i), metadata, dtype);
            for (Map.Entry<String, TensorData> e : shards.get(i).entrySet()) {
                weightMap.put(e.getKey(), shardName);
                totalSize += e.getValue().byteLength(dtype);
            }
        }
        // The index goes last: until it exists the directory does not look like a complete checkpoint.
        Path index = dir.resolve(TensorSources.INDEX_FILE);
        byte[] json = indexJson(weightMap, metadata, totalSize);
        AtomicFiles.write(index, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(json)));
        return index;
    }

    static List<Map<String, TensorData>> plan(Map<String, TensorData> tensors, DType dtype, long maxShardBytes) {
        List<Map<String, TensorData>> shards = new ArrayList<>();
        Map<String, TensorData> current = new LinkedHashMap<>();
        long currentBytes = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            long bytes = e.getValue().byteLength(dtype);
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private static byte[] indexJson(Map<String, String> weightMap, Map<String, String> metadata, long totalSize) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = root.putObject("metadata");
        metadata.forEach(meta::put);
        meta.put("total_size", totalSize); // a number, as transformers writes it
        ObjectNode weights = root.putObject("weight_map");
        weightMap.forEach(weights::put);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise shard index", e);
        }
    }
}
