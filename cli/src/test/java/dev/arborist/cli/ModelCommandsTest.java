package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandsTest {
    @TempDir
    static Path dir;

    private static CliFixture fixture;
    private static Path model;

    @BeforeAll
    static void fixtures() throws Exception {
        fixture = new CliFixture(dir);
        model = fixture.model(dir.resolve("model"), 4);
    }

    @Test
    @DisplayName("info --json describes the model")
    void info() throws Exception {
        CliFixture.Run r = CliFixture.run("info", "--model", model.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("architecture").asText()).isEqualTo("MixtralForCausalLM");
        assertThat(j.get("experts").asInt()).isEqualTo(4);
        assertThat(j.get("parameters").asLong()).isPositive();
    }

    @Test
    @DisplayName("eval --json prints perplexity and the number of predicted tokens")
    void eval() throws Exception {
        CliFixture.Run r = CliFixture.run("eval", "--model", model.toString(), "--text", fixture.text.toString(), "--window", "32", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("perplexity").asDouble()).isGreaterThan(1.0).isLessThan(fixture.config.vocabSize() * 4.0);
        assertThat(j.get("tokens").asLong() % 32).isZero();
        assertThat(j.get("mean_nll").asDouble()).isCloseTo(Math.log(j.get("perplexity").asDouble()), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @DisplayName("generate prints the prompt followed by the continuation")
    void generate() {
        CliFixture.Run r = CliFixture.run("generate", "--model", model.toString(), "--max-tokens", "5", "the model keeps");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("the model keeps");
    }

    @Test
    @DisplayName("a directory that is not a model, or a missing text file, is one clear line with exit code 2")
    void errors() {
        CliFixture.Run notModel = CliFixture.run("info", "--model", dir.resolve("nowhere").toString());
        assertThat(notModel.exitCode()).isEqualTo(2);
        assertThat(notModel.err()).startsWith("arborist info: ").contains("config.json");
        CliFixture.Run noText = CliFixture.run("eval", "--model", model.toString(), "--text", dir.resolve("missing.txt").toString());
        assertThat(noText.exitCode()).isEqualTo(2);
        assertThat(noText.err()).contains("missing.txt");
        CliFixture.Run badWindow = CliFixture.run("eval", "--model", model.toString(), "--text", fixture.text.toString(), "--window", "1");
        assertThat(badWindow.err()).contains("--window");
    }
}
