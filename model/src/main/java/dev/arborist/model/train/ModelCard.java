package dev.arborist.model.train;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.data.NlpCorpus;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.gen.Completion;
import dev.arborist.model.gen.GenerationParams;
import dev.arborist.model.gen.Generator;
import dev.arborist.model.gen.GreedySampler;
import dev.arborist.model.gen.Sampler;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes README.md for a trained model directory, with numbers measured on the exported weights. */
public final class ModelCard {
    static final List<String> PROMPTS = List.of("The city council", "She opened the door and", "In the morning, the",
            "Scientists have found that", "He said that the");

    private final Path modelDir;
    private final TrainingReport report;
    private final Map<Integer, Double> validationHistory;

    public ModelCard(Path modelDir, TrainingReport report, Map<Integer, Double> validationHistory) {
        this.modelDir = modelDir;
        this.report = report;
        this.validationHistory = validationHistory;
    }

    public Path write() throws IOException {
        try (LanguageModel model = LanguageModel.load(modelDir);
             HfTokenizer tokenizer = HfTokenizer.load(modelDir.resolve("tokenizer.json"))) {
            int[] eval = TokenizedText.read(modelDir.resolve("eval.txt"), tokenizer);
            Perplexity.Result ppl = Perplexity.evaluate(model.transformer(), eval, 256, 8);
            List<int[]> prompts = new ArrayList<>();
            for (String p : PROMPTS) {
                prompts.add(tokenizer.encode(p));
            }
            List<Sampler> greedy = Collections.nCopies(PROMPTS.size(), new GreedySampler());
            List<Completion> outs = new Generator(model.transformer(), model.manager())
                    .generate(prompts, new GenerationParams(24, Set.of(tokenizer.eosId())), greedy, (s, t) -> {});
            StringBuilder samples = new StringBuilder();
            for (int i = 0; i < PROMPTS.size(); i++) {
                samples.append("- **").append(PROMPTS.get(i)).append("**").append(tokenizer.decode(outs.get(i).tokens())).append('\n');
            }
            Path card = modelDir.resolve("README.md");
            Files.writeString(card, render(model, ppl, samples.toString()), StandardCharsets.UTF_8);
            return card;
        }
    }

    private String render(LanguageModel model, Perplexity.Result ppl, String samples) {
        ModelConfig c = report.model();
        TrainConfig t = report.train();
        StringBuilder history = new StringBuilder();
        validationHistory.forEach((step, p) -> history.append(String.format("| %d | %.2f |%n", step, p)));
        return String.format("""
                # arborist-moe-6x8

                A small Mixtral-architecture language model trained by Arborist itself (`./arborist train`),
                bundled so that pruning, serving and the agent have real weights to work on.

                ## Architecture
                | | |
                |---|---|
                | architecture | %s |
                | layers | %d |
                | hidden size | %d |
                | attention | %d query heads, %d KV heads (GQA), head size %d, RoPE theta %.0f |
                | experts | %d SwiGLU experts of width %d per layer, top-%d routing |
                | vocabulary | %d (byte-level BPE trained by Arborist) |
                | context | %d tokens |
                | parameters | %,d (FP16 on disk) |

                ## Data
                npm package `nlp-corpus` 4.4.0 (MIT), verified against its published integrity hash
                `%s`. Sentences are split by a stable hash of their text into
                train / calibration (`calib.txt`) / held-out evaluation (`eval.txt`); identical sentences always
                land in the same split, so no evaluation sentence is seen in training.
                Training tokens: %,d. Evaluation tokens: %,d.

                ## Training
                Command: `./arborist train --steps %d --vocab %d` (seed %d).
                AdamW (beta 0.9/0.95, weight decay %.2f), peak learning rate %.1e with %d warm-up steps and cosine
                decay to %.1e, gradient clipping at %.1f, MoE load-balancing loss weight %.2f.
                %d steps of %d x %d tokens = %,d tokens (%.1f epochs), %.0f minutes on %d CPU core(s).

                | step | validation perplexity (first 32 windows) |
                |---|---|
                %s
                ## Evaluation
                Held-out perplexity on `eval.txt` (%,d tokens, windows of 256): **%.2f**.
                A unigram model fitted on the training tokens scores %.1f on the same text.

                ## Greedy samples
                %s
                ## Licence
                Weights: MIT, like the corpus they were trained on.
                """,
                c.architecture().hfName(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.ropeTheta(), c.numExperts(), c.intermediateSize(), c.expertsPerToken(), c.vocabSize(), c.maxPositions(),
                model.parameterCount(), NlpCorpus.INTEGRITY, report.trainTokens(), report.evalTokens(),
                t.steps(), c.vocabSize(), t.seed(), t.weightDecay(), t.learningRate(), t.warmupSteps(), t.minLearningRate(),
                t.gradClip(), t.auxLossWeight(), t.steps(), t.batchSize(), t.sequenceLength(), report.tokensSeen(),
                (double) report.tokensSeen() / report.trainTokens(), report.minutes(), Runtime.getRuntime().availableProcessors(), history,
                ppl.tokens(), ppl.perplexity(), report.unigramPerplexity(), samples);
    }
}
