package dev.arborist.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsShardedTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a sharded checkpoint round trips through the index")
    void shardedRoundTrip() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            float[] data = new float[100];
            for (int j = 0; j < data.length; j++) {
                data[j] = i * 100 + j; // integers below 2048 are exact in F16
            }
            tensors.put("layers." + i + ".weight", TensorData.of(data, 10, 10));
        }
        // 100 F16 elements = 200 bytes per tensor; 450 bytes per shard fits two tensors -> 3 shards.
        Path index = ShardedSafetensorsWriter.write(dir, tensors, Map.of("format", "pt"), DType.F16, 450);

        assertThat(index.getFileName().toString()).isEqualTo(TensorSources.INDEX_FILE);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                    "model-00003-of-00003.safetensors", TensorSources.INDEX_FILE);
        }
        try (TensorSource source = TensorSources.openModelDir(dir)) {
            assertThat(source).isInstanceOf(ShardedSafetensors.class);
            assertThat(source.names()).containsExactlyElementsOf(tensors.keySet());
            for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
                assertThat(source.readFloats(e.getKey())).containsExactly(e.getValue().data());
            }
            assertThat(source.info("layers.4.weight").file().getFileName().toString())
                    .isEqualTo("model-00003-of-00003.safetensors");
            assertThat(source.metadata()).containsEntry("format", "pt").containsEntry("total_size", "1000");
            assertThatThrownBy(() -> source.info("lm_head.weight"))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("tensor 'lm_head.weight' not found in")
                    .hasMessageContaining(TensorSources.INDEX_FILE);
        }
        try (SafetensorsFile shard = SafetensorsFile.open(dir.resolve("model-00002-of-00003.safetensors"))) {
            assertThat(shard.names()).containsExactly("layers.2.weight", "layers.3.weight");
            assertThat(shard.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    @DisplayName("a single model.safetensors is preferred over an index")
    void singleFilePreferred() {
        Map<String, TensorData> tensors = Map.of("w", TensorData.of(new float[] {1, 2}, 2));
        ShardedSafetensorsWriter.write(dir, tensors, Map.of(), DType.F32, 1);
        SafetensorsWriter.write(dir.resolve(TensorSources.SINGLE_FILE), tensors, Map.of(), DType.BF16);

        try (TensorSource source = TensorSources.openModelDir(dir)) {
            assertThat(source).isInstanceOf(SafetensorsFile.class);
            assertThat(source.info("w").dtype()).isEqualTo(DType.BF16);
        }
    }

    @Test
    @DisplayName("an index naming a missing shard or tensor fails at open")
    void brokenIndex() throws IOException {
        SafetensorsWriter.write(dir.resolve("a.safetensors"), Map.of("x", TensorData.of(new float[] {1}, 1)),
                Map.of(), DType.F32);
        Path index = dir.resolve(TensorSources.INDEX_FILE);

        Files.writeString(index, "{\"weight_map\": {\"x\": \"b.safetensors\"}}");
        assertThatThrownBy(() -> TensorSources.openModelDir(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("b.safetensors, which does not exist");

        Files.writeString(index, "{\"weight_map\": {\"y\": \"a.safetensors\"}}");
        assertThatThrownBy(() -> TensorSources.openModelDir(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("maps tensor 'y' to a.safetensors, which has no such tensor");

        Files.writeString(index, "{\"weight_map\": {\"x\": \"../a.safetensors\"}}");
        assertThatThrownBy(() -> TensorSources.openModelDir(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("outside the model directory");
    }
}
