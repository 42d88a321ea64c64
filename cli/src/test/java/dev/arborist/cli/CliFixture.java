package dev.arborist.cli;

import ai.djl.ndarray.NDManager;
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
import picocli.CommandLine;

/** A tiny model directory (random MoE weights, a real BPE tokenizer) and a way to run CLI commands in-process. */
final class CliFixture {
    final Path text;
    final Path tokenizer;
    final ModelConfig config;

    /** Output of one CLI run. */
    record Run(int exitCode, String out, String err) {}

    CliFixture(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        String[] words = {"the", "model", "keeps", "most", "weights", "while", "pruning", "removes", "small", "ones", "and", "quality", "stays"};
        for (int i = 0; i < 120; i++) {
            lines.add(words[i % 13] + " " + words[(i * 7) % 13] + " " + words[(i * 5 + 3) % 13] + " " + words[(i * 11 + 1) % 13] + " " + i + ".");
        }
        text = dir.resolve("text.txt");
        Files.write(text, lines);
        BpeModel bpe = new BpeTrainer(BpeConfig.ofVocab(300)).train(lines);
        tokenizer = dir.resolve("tokenizer.json");
        bpe.writeTokenizerJson(tokenizer);
        config = new ModelConfig(Architecture.MIXTRAL, bpe.vocabSize(), 32, 24, 2, 4, 2, 8, 64, 10000, 1e-5, false, 4, 2, 0, 1);
    }

    /** Writes a model directory with random weights of the given seed. */
    Path model(Path dir, long seed) throws Exception {
        try (NDManager m = Engines.newManager()) {
            LanguageModel.save(config, WeightInit.random(config, m, seed), dir, DType.F32, tokenizer);
        }
        return dir;
    }

    static Run run(String... args) {
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
}
