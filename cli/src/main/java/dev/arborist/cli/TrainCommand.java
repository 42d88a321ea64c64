package dev.arborist.cli;

import dev.arborist.model.train.BundledModelRecipe;
import dev.arborist.model.train.ModelCard;
import dev.arborist.model.train.TrainingReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Re-creates the bundled model from scratch. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fetch the corpus, train the BPE tokenizer and the bundled MoE model, write it with a model card.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "models/arborist-moe-6x8", description = "Model directory to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", defaultValue = ".arborist/train", description = "Work directory: corpus splits, tokenizer, checkpoints; a rerun resumes from it (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--steps", defaultValue = "1100", description = "Optimiser steps of 16 x 128 tokens (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--vocab", defaultValue = "4096", description = "Tokenizer vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Override
    public Integer call() throws Exception {
        if (steps < 10) {
            throw new IllegalArgumentException("--steps must be at least 10, got " + steps);
        }
        if (vocab < 300) {
            throw new IllegalArgumentException("--vocab must be at least 300 (256 bytes + specials + merges), got " + vocab);
        }
        try (TrainProgress progress = new TrainProgress(steps)) {
            TrainingReport report = new BundledModelRecipe(work, out, progress::log).run(steps, vocab, progress);
            progress.close();
            Path card = new ModelCard(out, report, progress.validationHistory()).write();
            System.out.println("model written to " + out + "; model card: " + card);
        }
        return 0;
    }
}
