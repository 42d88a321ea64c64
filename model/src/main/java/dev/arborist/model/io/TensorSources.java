package dev.arborist.model.io;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model directory's weights, whichever layout Hugging Face saved them in. */
public final class TensorSources {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private TensorSources() {
    }

    /** Prefers {@value #SINGLE_FILE} over {@value #INDEX_FILE}, as {@code transformers} does. */
    public static TensorSource openModelDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SafetensorsException("model directory " + dir + " does not exist or is not a directory");
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        throw new SafetensorsException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir
                + " (only safetensors checkpoints are supported; convert .bin/.pth files first)");
    }
}
