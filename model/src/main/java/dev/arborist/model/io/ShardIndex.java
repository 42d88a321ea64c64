package dev.arborist.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed {@code model.safetensors.index.json}: {@code weight_map} (tensor → shard file name) and the optional
 * {@code metadata} object (Hugging Face writes {@code total_size} there as a number; we keep every value as text).
 */
record ShardIndex(Path indexFile, Map<String, Path> weightMap, Map<String, String> metadata) {

    private static final ObjectMapper JSON = new ObjectMapper();

    ShardIndex {
        weightMap = Collections.unmodifiableMap(weightMap);
        metadata = Collections.unmodifiableMap(metadata);
    }

    static ShardIndex read(Path indexFile) {
        JsonNode root;
        try {
            root = JSON.readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new SafetensorsException("cannot read shard index " + indexFile + ": " + e.getMessage(), e);
        }
        JsonNode weights = root == null ? null : root.get("weight_map");
        if (weights == null || !weights.isObject()) {
            throw new SafetensorsException("shard index " + indexFile + " has no \"weight_map\" object");
        }
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, Path> weightMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            weightMap.put(e.getKey(), shardPath(indexFile, dir, e.getKey(), e.getValue()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e ->
                    metadata.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        return new ShardIndex(indexFile, weightMap, metadata);
    }

    /** Shards must sit in the index's directory: a name like "../x" would read files outside the model. */
    private static Path shardPath(Path indexFile, Path dir, String tensor, JsonNode value) {
        if (!value.isTextual()) {
            throw new SafetensorsException("shard index " + indexFile + ": tensor '" + tensor + "' maps to " + value
                    + ", not a file name");
        }
        Path shard = dir.resolve(value.textValue()).normalize();
        if (!dir.equals(shard.getParent())) {
            throw new SafetensorsException("shard index " + indexFile + ": tensor '" + tensor + "' maps to '"
                    + value.textValue() + "', which is outside the model directory");
        }
        return shard;
    }
}
