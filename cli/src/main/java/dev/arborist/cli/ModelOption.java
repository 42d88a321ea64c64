package dev.arborist.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model} option every model-using command shares. */
final class ModelOption {
    static final String BUNDLED = "models/arborist-moe-6x8";

    @Option(names = {"-m", "--model"}, defaultValue = BUNDLED, description = "Hugging Face model directory (default: ${DEFAULT-VALUE}).")
    Path model;
}
