package dev.arborist.serving;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny model directory for tests: random MoE weights, a real BPE tokenizer, a 128-token context. */
final class TinyModel {
    static final int CONTEXT = 128;

    private TinyModel() {}

    static Path create(Path dir) throws Exception {
        return create(dir, CONTEXT);
    }

    static Path create(Path dir, int context) throws Exception {
        List<String> lines = new ArrayList<>();
        String[] words = {"the", "model", "keeps", "most", "weights", "while", "pruning", "removes", "small", "ones", "and", "quality", "stays"};
        for (int i = 0; i < 120; i++) {
            lines.add(words[i % 13] + " " + words[(i * 7) % 13] + " " + words[(i * 5 + 3) % 13] + " " + words[(i * 11 + 1) % 13] + " " + i + ".");
        }
        BpeModel bpe = new BpeTrainer(BpeConfig.ofVocab(300)).train(lines);
        Path tokenizer = dir.resolve("tokenizer-src.json");
        bpe.writeTokenizerJson(tokenizer);
        ModelConfig config = new ModelConfig(Architecture.MIXTRAL, bpe.vocabSize(), 32, 24, 2, 4, 2, 8, context, 10000, 1e-5, false, 4, 2, 0, 1);
        Path model = Files.createDirectories(dir.resolve("tiny"));
        try (NDManager m = Engines.newManager()) {
            LanguageModel.save(config, WeightInit.random(config, m, 7), model, DType.F32, tokenizer);
        }
        return model;
    }
}
