package dev.arborist.policies.unstructured;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.io.DType;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Tiny random models saved to disk (so they have a fingerprint) and random calibration windows. */
public final class Fixtures {
    private Fixtures() {}

    /** Saves a seeded random model of {@code config} to {@code dir} and loads it back. */
    public static LanguageModel saved(ModelConfig config, Path dir, long seed) throws IOException {
        try (NDManager m = Engines.newManager()) {
            LanguageModel.save(config, WeightInit.random(config, m, seed), dir, DType.F32, null);
        }
        return LanguageModel.load(dir);
    }

    /** @return {@code count} windows of {@code length} random token ids below {@code vocab} */
    public static CalibrationSet calibration(int vocab, int count, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] w = new int[count][length];
        for (int[] row : w) {
            for (int j = 0; j < length; j++) {
                row[j] = random.nextInt(vocab);
            }
        }
        return new CalibrationSet(w);
    }
}
