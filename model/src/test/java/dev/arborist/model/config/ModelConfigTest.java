package dev.arborist.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a Mixtral config.json is parsed with derived head size and GQA groups")
    void mixtral() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"architectures": ["MixtralForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
                 "max_position_embeddings": 32768, "rope_theta": 1e6, "rms_norm_eps": 1e-5,
                 "num_local_experts": 8, "num_experts_per_tok": 2, "torch_dtype": "bfloat16"}
                """);
        ModelConfig c = ModelConfig.load(file);
        assertThat(c.architecture()).isEqualTo(Architecture.MIXTRAL);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.kvGroups()).isEqualTo(4);
        assertThat(c.isMoe()).isTrue();
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        c.save(dir.resolve("again.json"));
        assertThat(ModelConfig.load(dir.resolve("again.json"))).isEqualTo(c);
    }

    @Test
    @DisplayName("missing required keys are named")
    void missingKey() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64}");
        assertThatThrownBy(() -> ModelConfig.load(file)).isInstanceOf(ModelFormatException.class).hasMessageContaining("num_attention_heads");
    }
}
