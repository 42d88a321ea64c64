package dev.arborist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Perplexity of a model on a text file (one sentence per line), over non-overlapping windows.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--text", required = true, description = "UTF-8 text file to score.")
    Path text;

    @Option(names = "--window", defaultValue = "256", description = "Tokens per window, at most the model's context (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--json", description = "Print one JSON object: perplexity, tokens, mean_nll, seconds.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (window < 2) {
            throw new IllegalArgumentException("--window must be at least 2, got " + window);
        }
        long began = System.nanoTime();
        try (LanguageModel lm = LanguageModel.load(model.model);
             HfTokenizer tokenizer = HfTokenizer.load(model.model.resolve("tokenizer.json"))) {
            int[] tokens = TokenizedText.read(text, tokenizer);
            Perplexity.Result r = Perplexity.evaluate(lm.transformer(), tokens, window, 8);
            double seconds = (System.nanoTime() - began) / 1e9;
            if (json) {
                ObjectNode o = Json.object();
                o.put("model", model.model.toString());
                o.put("text", text.toString());
                o.put("perplexity", r.perplexity());
                o.put("mean_nll", r.meanNll());
                o.put("tokens", r.tokens());
                o.put("seconds", seconds);
                Json.print(o);
            } else {
                System.out.printf("perplexity %.3f over %,d tokens (%.1f s)%n", r.perplexity(), r.tokens(), seconds);
            }
        }
        return 0;
    }
}
