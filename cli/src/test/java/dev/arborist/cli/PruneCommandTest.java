package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneCommandTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path work;

    private static Path model;
    private static Path otherModel;
    private static Path text;

    @BeforeAll
    static void fixtures() throws Exception {
        CliFixture fixture = new CliFixture(fixtures);
        text = fixture.text;
        model = fixture.model(fixtures.resolve("model"), 1);
        otherModel = fixture.model(fixtures.resolve("other"), 2);
    }

    private static CliFixture.Run run(String... args) {
        return CliFixture.run(args);
    }

    private String[] prune(Path modelDir, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("prune", "--model", modelDir.toString(), "--calib", text.toString(),
                "--calib-windows", "4", "--calib-length", "32", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @DisplayName("prune writes the artifact and a checkpoint that eval reads with the same perplexity")
    void prunesAndMaterializes() throws Exception {
        Path out = work.resolve("plan");
        CliFixture.Run r = run(prune(model, out, "--method", "sparsegpt", "--sparsity", "0.5", "--pattern", "2:4", "--eval", text.toString(),
                "--materialize", "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("method").asText()).isEqualTo("sparsegpt");
        assertThat(j.get("pattern").asText()).isEqualTo("2:4");
        assertThat(j.get("sparsity").asDouble()).isCloseTo(0.5, within(1e-3));
        assertThat(j.get("parameters").asLong()).isGreaterThan(j.get("nonzero_parameters").asLong());
        assertThat(j.get("seconds").asDouble()).isPositive();
        assertThat(out.resolve("plan.safetensors")).isRegularFile();
        assertThat(out.resolve("manifest.json")).isRegularFile();
        JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("plan_id").asText()).isEqualTo(j.get("plan_id").asText());
        assertThat(manifest.get("files").has("model/model.safetensors")).isTrue();

        CliFixture.Run eval = run("eval", "--model", out.resolve("model").toString(), "--text", text.toString(), "--json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(Json.MAPPER.readTree(eval.out()).get("perplexity").asDouble())
                .isCloseTo(j.get("perplexity").asDouble(), within(1e-3 * j.get("perplexity").asDouble()));
    }

    @Test
    @DisplayName("bad input fails with one line naming the problem, exit code 2, and nothing written")
    void badInput() throws Exception {
        Path parent = work.resolve("parent");
        assertThat(run(prune(otherModel, parent, "--method", "magnitude", "--sparsity", "0.5")).exitCode()).isZero();
        Path out = work.resolve("out");
        expectError(prune(model, out, "--method", "lottery", "--sparsity", "0.5"), "unknown pruning method 'lottery'");
        expectError(prune(model, out, "--method", "wanda", "--sparsity", "1.5"), "--sparsity must be in (0, 1)");
        expectError(prune(model, out, "--method", "wanda", "--sparsity", "0.5", "--pattern", "1x16"), "width 24");
        expectError(prune(model, out, "--method", "wanda", "--sparsity", "0.6", "--pattern", "2:4"), "use sparsity 0.5");
        expectError(new String[] {"prune", "--model", model.toString(), "--calib", work.resolve("missing.txt").toString(), "--out",
                out.toString(), "--method", "wanda", "--sparsity", "0.5"}, "calibration file not found");
        expectError(prune(model, out, "--method", "wanda", "--sparsity", "0.5", "--parent", parent.toString()), "built for base model");
        expectError(prune(model, parent, "--method", "wanda", "--sparsity", "0.5"), "already exists");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).containsExactly(parent);
        }
    }

    private static void expectError(String[] args, String message) {
        CliFixture.Run r = run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").startsWith("arborist prune: ");
        assertThat(r.out()).isEmpty();
    }
}
