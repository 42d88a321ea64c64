package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arborist.model.config.Architecture;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.io.DType;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.BpeConfig;
import dev.arborist.model.tokenizer.BpeModel;
import dev.arborist.model.tokenizer.BpeTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PruneCommandTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path work;

    private static Path model;
    private static Path otherModel;
    private static Path text;

    /** Output of one CLI run. */
    private record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void fixtures() throws Exception {
        List<String> lines = new ArrayList<>();
        String[] words = {"the", "model", "keeps", "most", "weights", "while", "pruning", "removes", "small", "ones", "and", "quality", "stays"};
        for (int i = 0; i < 120; i++) {
            lines.add(words[i % 13] + " " + words[(i * 7) % 13] + " " + words[(i * 5 + 3) % 13] + " " + words[(i * 11 + 1) % 13] + " " + i + ".");
        }
        text = fixtures.resolve("text.txt");
        Files.write(text, lines);
        BpeModel bpe = new BpeTrainer(BpeConfig.ofVocab(300)).train(lines);
        Path tokenizer = fixtures.resolve("tokenizer.json");
        bpe.writeTokenizerJson(tokenizer);
        ModelConfig config = new ModelConfig(Architecture.MIXTRAL, bpe.vocabSize(), 32, 24, 2, 4, 2, 8, 64, 10000, 1e-5, false, 4, 2, 0, 1);
        model = save(config, fixtures.resolve("model"), tokenizer, 1);
        otherModel = save(config, fixtures.resolve("other"), tokenizer, 2);
    }

    private static Path save(ModelConfig config, Path dir, Path tokenizer, long seed) throws Exception {
        try (NDManager m = Engines.newManager()) {
            LanguageModel.save(config, WeightInit.random(config, m, seed), dir, DType.F32, tokenizer);
        }
        return dir;
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
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
        Run r = run(prune(model, out, "--method", "sparsegpt", "--sparsity", "0.5", "--pattern", "2:4", "--eval", text.toString(),
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

        Run eval = run("eval", "--model", out.resolve("model").toString(), "--text", text.toString(), "--json");
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
        Run r = run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").startsWith("arborist prune: ");
        assertThat(r.out()).isEmpty();
    }
}
