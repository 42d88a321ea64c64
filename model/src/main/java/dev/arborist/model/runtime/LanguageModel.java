package dev.arborist.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.config.ModelFormatException;
import dev.arborist.model.io.DType;
import dev.arborist.model.io.SafetensorsException;
import dev.arborist.model.io.SafetensorsWriter;
import dev.arborist.model.io.TensorData;
import dev.arborist.model.io.TensorSource;
import dev.arborist.model.io.TensorSources;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightAssembler;
import dev.arborist.model.nn.WeightExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face model directory loaded into memory: config, weights (FP32) and the transformer
 * over them. The tokenizer is opened separately ({@link dev.arborist.model.tokenizer.HfTokenizer})
 * so that a model can be used without one.
 */
public final class LanguageModel implements AutoCloseable {
    private final Path directory;
    private final ModelConfig config;
    private final NDManager manager;
    private final Transformer transformer;
    private String fingerprint;

    private LanguageModel(Path directory, ModelConfig config, NDManager manager, Transformer transformer) {
        this.directory = directory;
        this.config = config;
        this.manager = manager;
        this.transformer = transformer;
    }

    public static LanguageModel load(Path dir) {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(dir + ": not a model directory (no config.json)");
        }
        ModelConfig config = ModelConfig.load(configFile);
        NDManager manager = Engines.newManager();
        try (TensorSource source = TensorSources.openModelDir(dir)) {
            ModelWeights weights = WeightAssembler.assemble(config, new SourceTensors(source, dir, manager));
            return new LanguageModel(dir, config, manager, new Transformer(config, weights, manager));
        } catch (SafetensorsException | ModelFormatException e) {
            manager.close();
            throw e;
        }
    }

    /** Wraps weights that already live in {@code manager} (training, tests). Takes ownership of it. */
    public static LanguageModel of(ModelConfig config, ModelWeights weights, NDManager manager) {
        return new LanguageModel(null, config, manager, new Transformer(config, weights, manager));
    }

    /** Writes config.json and model.safetensors (plus the tokenizer, if given) to {@code dir}. */
    public static void save(ModelConfig config, ModelWeights weights, Path dir, DType dtype, Path tokenizerJson) throws IOException {
        Files.createDirectories(dir);
        config.save(dir.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : WeightExport.named(config, weights).entrySet()) {
            tensors.put(e.getKey(), new TensorData(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
        }
        SafetensorsWriter.write(dir.resolve(TensorSources.SINGLE_FILE), tensors, Map.of("format", "pt"), dtype);
        if (tokenizerJson != null && !tokenizerJson.toAbsolutePath().equals(dir.resolve("tokenizer.json").toAbsolutePath())) {
            Files.copy(tokenizerJson, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public Path directory() {
        return directory;
    }

    /** SHA-256 of the directory's config and weights; null for a model that was not loaded from disk. */
    public synchronized String fingerprint() {
        if (fingerprint == null && directory != null) {
            fingerprint = ModelFingerprint.sha256(directory);
        }
        return fingerprint;
    }

    public ModelConfig config() {
        return config;
    }

    public Transformer transformer() {
        return transformer;
    }

    public NDManager manager() {
        return manager;
    }

    /** Total weight parameters (tied embeddings counted once). */
    public long parameterCount() {
        return WeightExport.named(config, transformer.weights()).values().stream()
                .mapToLong(a -> a.getShape().size())
                .sum();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Reads tensors from a checkpoint into FP32 arrays. */
    private record SourceTensors(TensorSource source, Path dir, NDManager manager) implements WeightAssembler.Tensors {
        @Override
        public NDArray get(String name) {
            return manager.create(source.readFloats(name), new Shape(source.info(name).shape()));
        }

        @Override
        public boolean contains(String name) {
            return source.contains(name);
        }

        @Override
        public String origin(String name) {
            return source.contains(name) ? source.info(name).file().toString() : checkpointFile().toString();
        }

        private Path checkpointFile() {
            Path single = dir.resolve(TensorSources.SINGLE_FILE);
            return Files.exists(single) ? single : dir.resolve(TensorSources.INDEX_FILE);
        }
    }
}
