package dev.arborist.model.nn;

import dev.arborist.model.config.Architecture;
import dev.arborist.model.config.ModelConfig;

/** Small random configurations for tests: fast, but with GQA, several layers and real routing. */
public final class TinyModels {
    private TinyModels() {}

    public static ModelConfig llama() {
        return new ModelConfig(Architecture.LLAMA, 97, 32, 48, 2, 4, 2, 8, 64, 10000, 1e-5, false, 0, 0, 1, 2);
    }

    public static ModelConfig qwen2() {
        return new ModelConfig(Architecture.QWEN2, 97, 32, 48, 2, 4, 2, 8, 64, 1e6, 1e-6, true, 0, 0, 1, 2);
    }

    public static ModelConfig mixtral() {
        return new ModelConfig(Architecture.MIXTRAL, 97, 32, 24, 2, 4, 2, 8, 64, 10000, 1e-5, false, 4, 2, 1, 2);
    }
}
