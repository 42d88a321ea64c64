package dev.arborist.model.io;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split across several safetensors files by {@code model.safetensors.index.json}. All shards are
 * opened (headers only) up front, so a missing shard or a stale index fails at open rather than mid-load.
 */
public final class ShardedSafetensors implements TensorSource {

    private final ShardIndex index;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(ShardIndex index, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> shards) {
        this.index = index;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    public static ShardedSafetensors open(Path indexFile) {
        ShardIndex index = ShardIndex.read(indexFile);
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> byTensor = new HashMap<>();
            for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
                SafetensorsFile shard = opened.computeIfAbsent(e.getValue(), p -> openShard(indexFile, p));
                if (!shard.names().contains(e.getKey())) {
                    throw new SafetensorsException("shard index " + indexFile + " maps tensor '" + e.getKey()
                            + "' to " + e.getValue().getFileName() + ", which has no such tensor");
                }
                byTensor.put(e.getKey(), shard);
            }
            return new ShardedSafetensors(index, byTensor, new ArrayList<>(opened.values()));
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static SafetensorsFile openShard(Path indexFile, Path shard) {
        if (!Files.isRegularFile(shard)) {
            throw new SafetensorsException("shard index " + indexFile + " names " + shard.getFileName()
                    + ", which does not exist");
        }
        return SafetensorsFile.open(shard);
    }

    public Path indexFile() {
        return index.indexFile();
    }

    @Override
    public Set<String> names() {
        return index.weightMap().keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return shardFor(name).info(name);
    }

    @Override
    public float[] readFloats(String name) {
        return shardFor(name).readFloats(name);
    }

    @Override
    public ByteBuffer readBytes(String name) {
        return shardFor(name).readBytes(name);
    }

    /** The index's {@code metadata} object (values as text); per-shard {@code __metadata__} is not merged in. */
    @Override
    public Map<String, String> metadata() {
        return index.metadata();
    }

    private SafetensorsFile shardFor(String name) {
        SafetensorsFile shard = byTensor.get(name);
        if (shard == null) {
            throw new SafetensorsException("tensor '" + name + "' not found in " + index.indexFile());
        }
        return shard;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsFile shard : shards) {
            try {
                shard.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
