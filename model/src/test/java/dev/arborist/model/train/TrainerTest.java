package dev.arborist.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final ModelConfig CONFIG = TinyModels.mixtral();

    @TempDir
    Path dir;

    /** A learnable stream: a repeating pattern over 12 token ids. */
    private static int[] tokens() {
        int[] t = new int[4000];
        for (int i = 0; i < t.length; i++) {
            t[i] = 3 + (i * 5) % 12;
        }
        return t;
    }

    private static TrainConfig config(int steps) {
        return new TrainConfig(steps, 4, 16, 3e-3, 3e-4, 2, 0.1, 1.0, 0.01, 7, 3, 100);
    }

    @Test
    @DisplayName("training lowers the loss on a learnable stream")
    void learns() throws Exception {
        List<Double> losses = new ArrayList<>();
        try (NDManager m = Engines.newManager()) {
            ModelWeights w = WeightInit.random(CONFIG, m, 1);
            new Trainer(CONFIG, config(30), tokens(), null, null, recorder(losses)).run(w, m);
        }
        assertThat(losses).hasSize(30).doesNotContain(Double.NaN);
        assertThat(losses.get(29)).isLessThan(0.6 * losses.get(0)); // from ln(vocab) towards the pattern
    }

    @Test
    @DisplayName("a run resumed from its checkpoint ends with exactly the weights of an uninterrupted run")
    void resumes() throws Exception {
        float[] straight;
        float[] resumed;
        try (NDManager m = Engines.newManager()) {
            ModelWeights w = WeightInit.random(CONFIG, m, 1);
            new Trainer(CONFIG, config(6), tokens(), null, dir.resolve("a"), TrainListener.SILENT).run(w, m);
            straight = flatten(w);
        }
        try (NDManager m = Engines.newManager()) {
            ModelWeights w = WeightInit.random(CONFIG, m, 1);
            new Trainer(CONFIG, config(6), tokens(), null, dir.resolve("b"), new StopAfter(3)).run(w, m);
        } catch (StopAfter.Stopped expected) {
            // the process "died" right after the step-3 checkpoint
        }
        try (NDManager m = Engines.newManager()) {
            ModelWeights w = WeightInit.random(CONFIG, m, 99); // different init: everything must come from the checkpoint
            new Trainer(CONFIG, config(6), tokens(), null, dir.resolve("b"), TrainListener.SILENT).run(w, m);
            resumed = flatten(w);
        }
        assertThat(resumed).containsExactly(straight);
    }

    private static float[] flatten(ModelWeights w) {
        List<Float> all = new ArrayList<>();
        for (NDArray a : WeightExport.named(CONFIG, w).values()) {
            for (float f : a.toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static TrainListener recorder(List<Double> losses) {
        return new TrainListener() {
            @Override
            public void onStep(int step, double loss, double learningRate, double tokensPerSecond) {
                losses.add(loss);
            }

            @Override
            public void onValidation(int step, double perplexity) {}

            @Override
            public void onCheckpoint(int step) {}
        };
    }

    /** Simulates a crash right after a given checkpoint. */
    private static final class StopAfter implements TrainListener {
        static final class Stopped extends RuntimeException {}

        private final int step;

        StopAfter(int step) {
            this.step = step;
        }

        @Override
        public void onStep(int s, double loss, double learningRate, double tokensPerSecond) {}

        @Override
        public void onValidation(int s, double perplexity) {}

        @Override
        public void onCheckpoint(int s) {
            if (s == step) {
                throw new Stopped();
            }
        }
    }
}
