package dev.arborist.cli;

import dev.arborist.model.gen.Completion;
import dev.arborist.model.gen.GenerationParams;
import dev.arborist.model.gen.Generator;
import dev.arborist.model.gen.Sampler;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.Detokenizer;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Continue a prompt, streaming tokens to the terminal.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Parameters(arity = "0..1", defaultValue = "The city council said", description = "Prompt text (default: \"${DEFAULT-VALUE}\").")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "48", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (temperature < 0 || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("need --temperature >= 0 and 0 < --top-p <= 1");
        }
        try (LanguageModel lm = LanguageModel.load(model.model);
             HfTokenizer tokenizer = HfTokenizer.load(model.model.resolve("tokenizer.json"))) {
            int[] ids = tokenizer.encode(prompt);
            if (ids.length == 0) {
                throw new IllegalArgumentException("the prompt is empty");
            }
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.print(prompt);
            Detokenizer text = new Detokenizer(tokenizer); // multi-byte characters split across tokens come out whole
            Completion c = new Generator(lm.transformer(), lm.manager()).generate(
                    List.of(ids), new GenerationParams(maxTokens, Set.of(tokenizer.eosId())),
                    List.of(Sampler.of(temperature, topP, seed)), (seq, token) -> out.print(text.add(token))).get(0);
            out.println();
            System.err.printf("[%d tokens, finish: %s]%n", c.tokens().length, c.finishReason().apiName());
        }
        return 0;
    }
}
