package dev.arborist.model.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.config.ModelFormatException;
import dev.arborist.model.io.DType;
import dev.arborist.model.io.SafetensorsWriter;
import dev.arborist.model.io.TensorData;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightInit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoadingErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Map<String, TensorData> tensors;

    @BeforeEach
    void writeValidModel() throws Exception {
        ModelConfig config = TinyModels.mixtral();
        config.save(dir.resolve("config.json"));
        tensors = new LinkedHashMap<>();
        try (NDManager m = Engines.newManager()) {
            WeightExport.named(config, WeightInit.random(config, m, 1)).forEach((name, a) ->
                    tensors.put(name, new TensorData(a.getShape().getShape(), a.toFloatArray())));
        }
    }

    @Test
    @DisplayName("an unknown architecture is refused, naming it and the supported ones")
    void unknownArchitecture() throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.putArray("architectures").add("GPT2LMHeadModel");
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> LanguageModel.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("GPT2LMHeadModel").hasMessageContaining("MixtralForCausalLM");
    }

    @Test
    @DisplayName("a missing tensor is named together with the file")
    void missingTensor() {
        tensors.remove("model.layers.1.block_sparse_moe.experts.2.w3.weight");
        write();
        assertThatThrownBy(() -> LanguageModel.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.layers.1.block_sparse_moe.experts.2.w3.weight")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    @DisplayName("a tensor of the wrong shape is named with both shapes")
    void shapeMismatch() {
        tensors.put("model.layers.0.self_attn.o_proj.weight", TensorData.of(new float[32 * 16], 32, 16));
        write();
        assertThatThrownBy(() -> LanguageModel.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.layers.0.self_attn.o_proj.weight")
                .hasMessageContaining("[32, 16]")
                .hasMessageContaining("[32, 32]");
    }

    @Test
    @DisplayName("a directory without config.json or weights is refused")
    void notAModel() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> LanguageModel.load(empty)).hasMessageContaining("config.json");
        assertThatThrownBy(() -> LanguageModel.load(dir)).hasMessageContaining("model.safetensors");
    }

    @Test
    @DisplayName("a config whose heads do not divide is refused")
    void inconsistentConfig() throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.put("num_key_value_heads", 3);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> LanguageModel.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("num_key_value_heads");
    }

    private void write() {
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of(), DType.F32);
    }
}
