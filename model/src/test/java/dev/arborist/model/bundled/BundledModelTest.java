package dev.arborist.model.bundled;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.gen.Completion;
import dev.arborist.model.gen.GenerationParams;
import dev.arborist.model.gen.Generator;
import dev.arborist.model.gen.GreedySampler;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.model.train.UnigramBaseline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The committed model is good enough for pruning effects to show: it knows English, not just token frequencies. */
class BundledModelTest {
    private static final Path DIR = Path.of("../models/arborist-moe-6x8");
    private static LanguageModel model;
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void load() {
        model = LanguageModel.load(DIR);
        tokenizer = HfTokenizer.load(DIR.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    @DisplayName("held-out perplexity is far below a unigram model's on the same text")
    void beatsUnigram() throws Exception {
        int[] calib = TokenizedText.read(DIR.resolve("calib.txt"), tokenizer);
        int[] eval = TokenizedText.read(DIR.resolve("eval.txt"), tokenizer);
        double unigram = UnigramBaseline.perplexity(calib, eval, tokenizer.vocabSize());
        double ppl = Perplexity.evaluate(model.transformer(), eval, 256, 8, 40).perplexity();
        assertThat(ppl).isLessThan(unigram / 4);
    }

    @Test
    @DisplayName("greedy continuations of English prompts are made of English words, unlike random tokens")
    void speaksEnglish() throws Exception {
        Set<String> known = new HashSet<>();
        for (String file : List.of("calib.txt", "eval.txt")) {
            for (String line : Files.readAllLines(DIR.resolve(file))) {
                for (String w : line.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
                    known.add(w);
                }
            }
        }
        StringBuilder generated = new StringBuilder();
        StringBuilder random = new StringBuilder();
        java.util.Random rng = new java.util.Random(1);
        for (String prompt : List.of("The city council", "She opened the door and", "In the morning, the")) {
            Completion c = new Generator(model.transformer(), model.manager()).generate(List.of(tokenizer.encode(prompt)),
                    new GenerationParams(20, Set.of(tokenizer.eosId())), List.of(new GreedySampler()), (s, t) -> {}).get(0);
            generated.append(tokenizer.decode(c.tokens())).append(' ');
            random.append(tokenizer.decode(rng.ints(20, 3, tokenizer.vocabSize()).toArray())).append(' ');
        }
        // The known-word list is only ~2,000 held-out sentences, so rare real words count as unknown.
        double model = knownShare(generated.toString(), known);
        assertThat(model).isGreaterThanOrEqualTo(0.8).isGreaterThan(knownShare(random.toString(), known) + 0.25);
    }

    private static double knownShare(String text, Set<String> known) {
        int words = 0;
        int english = 0;
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
            if (!w.isEmpty()) {
                words++;
                english += known.contains(w) ? 1 : 0;
            }
        }
        assertThat(words).isGreaterThan(6);
        return (double) english / words;
    }
}
