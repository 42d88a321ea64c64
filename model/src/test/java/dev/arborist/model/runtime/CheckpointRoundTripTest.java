package dev.arborist.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.io.DType;
import dev.arborist.model.io.ShardedSafetensorsWriter;
import dev.arborist.model.io.TensorData;
import dev.arborist.model.nn.ModelFixture;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightInit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointRoundTripTest {
    private static final long[] TOKENS = {3, 14, 15, 92, 65, 35, 89, 79};
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyModels.llama(), TinyModels.qwen2(), TinyModels.mixtral());
    }

    @ParameterizedTest
    @MethodSource("configs")
    @DisplayName("a random model written as FP32 safetensors loads back with identical logits")
    void fp32RoundTrip(ModelConfig config) throws Exception {
        ModelWeights weights = WeightInit.random(config, manager, 3);
        float[][] expected = ModelFixture.logits(new Transformer(config, weights, manager), manager, TOKENS);
        LanguageModel.save(config, weights, dir, DType.F32, null);
        try (LanguageModel loaded = LanguageModel.load(dir)) {
            assertThat(loaded.config()).isEqualTo(config);
            assertThat(ModelFixture.maxAbsDiff(ModelFixture.logits(loaded.transformer(), manager, TOKENS), expected)).isZero();
        }
    }

    @Test
    @DisplayName("BF16 and FP16 checkpoints load with logits close to FP32")
    void reducedPrecision() throws Exception {
        ModelConfig config = TinyModels.mixtral();
        ModelWeights weights = WeightInit.random(config, manager, 5);
        float[][] expected = ModelFixture.logits(new Transformer(config, weights, manager), manager, TOKENS);
        for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
            Path d = dir.resolve(dtype.name());
            LanguageModel.save(config, weights, d, dtype, null);
            try (LanguageModel loaded = LanguageModel.load(d)) {
                float diff = ModelFixture.maxAbsDiff(ModelFixture.logits(loaded.transformer(), manager, TOKENS), expected);
                assertThat(diff).as(dtype.name()).isLessThan(dtype == DType.BF16 ? 2e-2f : 2e-3f).isGreaterThan(0f);
            }
        }
    }

    @Test
    @DisplayName("a sharded checkpoint (model.safetensors.index.json) loads like a single file")
    void sharded() throws Exception {
        ModelConfig config = TinyModels.llama();
        ModelWeights weights = WeightInit.random(config, manager, 9);
        float[][] expected = ModelFixture.logits(new Transformer(config, weights, manager), manager, TOKENS);
        config.save(dir.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : WeightExport.named(config, weights).entrySet()) {
            tensors.put(e.getKey(), new TensorData(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
        }
        ShardedSafetensorsWriter.write(dir, tensors, Map.of(), DType.F32, 8_000);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".safetensors")).count()).isGreaterThan(2);
        }
        try (LanguageModel loaded = LanguageModel.load(dir)) {
            assertThat(ModelFixture.maxAbsDiff(ModelFixture.logits(loaded.transformer(), manager, TOKENS), expected)).isZero();
        }
    }

    @Test
    @DisplayName("the fingerprint changes when a weight changes")
    void fingerprint() throws Exception {
        ModelConfig config = TinyModels.llama();
        LanguageModel.save(config, WeightInit.random(config, manager, 1), dir.resolve("a"), DType.F32, null);
        LanguageModel.save(config, WeightInit.random(config, manager, 1), dir.resolve("b"), DType.F32, null);
        LanguageModel.save(config, WeightInit.random(config, manager, 2), dir.resolve("c"), DType.F32, null);
        assertThat(ModelFingerprint.sha256(dir.resolve("a"))).isEqualTo(ModelFingerprint.sha256(dir.resolve("b")))
                .isNotEqualTo(ModelFingerprint.sha256(dir.resolve("c")));
    }
}
