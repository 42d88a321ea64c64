package dev.arborist.model.train;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.Architecture;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.data.CorpusSplit;
import dev.arborist.model.data.NlpCorpus;
import dev.arborist.model.data.Split;
import dev.arborist.model.data.SplitSentences;
import dev.arborist.model.io.DType;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.BpeConfig;
import dev.arborist.model.tokenizer.BpeTrainer;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * How the bundled model is made, end to end: fetch and verify the corpus, split it, train the BPE
 * tokenizer, train the model, export it in FP16 with its text splits and a model card. Every step
 * is seeded; an interrupted run resumes from its work directory.
 */
public final class BundledModelRecipe {

    /** The architecture of the bundled model: small enough for 2 CPU cores, big enough to prune. */
    public static ModelConfig modelConfig(int vocabSize, int bos, int eos) {
        return new ModelConfig(Architecture.MIXTRAL, vocabSize, 256, 512, 6, 8, 2, 32, 256, 10000.0, 1e-5,
                false, 8, 2, bos, eos);
    }

    public static TrainConfig trainConfig(int steps) {
        return new TrainConfig(steps, 16, 128, 2e-3, 2e-4, Math.min(100, steps / 10), 0.1, 1.0, 0.01, 1234L,
                200, 200);
    }

    private final Path workDir;
    private final Path outDir;
    private final Consumer<String> log;

    public BundledModelRecipe(Path workDir, Path outDir, Consumer<String> log) {
        this.workDir = workDir;
        this.outDir = outDir;
        this.log = log;
    }

    /** @return what the run did, for the model card */
    public TrainingReport run(int steps, int vocabSize, TrainListener listener) throws IOException {
        Path dataDir = workDir.resolve("data");
        if (!Files.isRegularFile(dataDir.resolve(Split.TRAIN.fileName()))) {
            log.accept("fetching corpus nlp-corpus@4.4.0 (npm) and verifying its integrity hash");
            SplitSentences splits = CorpusSplit.standard().split(NlpCorpus.withDefaultCache().sentences());
            splits.writeTo(dataDir);
            log.accept(String.format("split: %d train, %d calibration, %d eval sentences",
                    splits.train().size(), splits.calibration().size(), splits.eval().size()));
        }
        Path tokenizerJson = workDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            log.accept("training byte-level BPE tokenizer, vocabulary " + vocabSize);
            new BpeTrainer(BpeConfig.ofVocab(vocabSize))
                    .train(Files.readAllLines(dataDir.resolve(Split.TRAIN.fileName())))
                    .writeTokenizerJson(tokenizerJson);
        }
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerJson); NDManager manager = Engines.newManager()) {
            int[] train = TokenizedText.read(dataDir.resolve(Split.TRAIN.fileName()), tokenizer);
            int[] eval = TokenizedText.read(dataDir.resolve(Split.EVAL.fileName()), tokenizer);
            log.accept(String.format("tokens: %,d train, %,d eval", train.length, eval.length));
            ModelConfig config = modelConfig(tokenizer.vocabSize(), tokenizer.bosId(), tokenizer.eosId());
            TrainConfig trainConfig = trainConfig(steps);
            ModelWeights weights = WeightInit.random(config, manager, trainConfig.seed());
            long began = System.nanoTime();
            new Trainer(config, trainConfig, train, eval, workDir.resolve("checkpoint"), listener).run(weights, manager);
            double minutes = (System.nanoTime() - began) / 60e9;
            LanguageModel.save(config, weights, outDir, DType.F16, tokenizerJson);
            for (Split split : new Split[] {Split.CALIBRATION, Split.EVAL}) {
                Files.copy(dataDir.resolve(split.fileName()), outDir.resolve(split.fileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            return new TrainingReport(config, trainConfig, (long) steps * trainConfig.batchSize() * trainConfig.sequenceLength(),
                    train.length, eval.length, UnigramBaseline.perplexity(train, eval, tokenizer.vocabSize()), minutes);
        }
    }
}
