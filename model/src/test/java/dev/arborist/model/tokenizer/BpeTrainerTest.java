package dev.arborist.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

    private static final List<String> TEXT = SampleText.lines(20);

    @Test
    @DisplayName("the vocabulary has exactly the asked size: specials, 256 bytes, then merges")
    void vocabularySize() {
        BpeModel model = new BpeTrainer(BpeConfig.ofVocab(400)).train(TEXT);

        assertThat(model.vocabSize()).isEqualTo(400);
        assertThat(model.merges()).hasSize(400 - 256 - 3);
        assertThat(model.tokens().subList(0, 3)).containsExactly("<s>", "</s>", "<pad>");
        assertThat(model.tokens().get(model.byteId(' '))).isEqualTo("Ġ");
        assertThat(new HashSet<>(model.tokens())).hasSize(400);
    }

    @Test
    @DisplayName("merging stops at the minimum pair frequency, leaving only bytes and specials")
    void stopsAtMinimumFrequency() {
        BpeModel model = new BpeTrainer(new BpeConfig(400, 1_000_000, BpeConfig.DEFAULT_SPECIALS)).train(TEXT);

        assertThat(model.vocabSize()).isEqualTo(259);
        assertThat(model.merges()).isEmpty();
    }

    @Test
    @DisplayName("frequent words become single tokens, with their leading space")
    void frequentWordsAreSingleTokens() {
        BpeTokenizer tok = new BpeTrainer(BpeConfig.ofVocab(400)).train(TEXT).tokenizer();

        assertThat(tok.encode(" the")).hasSize(1);
        assertThat(tok.encode(" weights")).hasSize(1);
        assertThat(tok.encode("The")).hasSize(1);
        assertThat(tok.encode(" the fox")).hasSize(2);
    }

    @Test
    @DisplayName("training is deterministic and does not depend on the order of the texts")
    void deterministic() {
        List<String> shuffled = new ArrayList<>(TEXT);
        Collections.shuffle(shuffled, new Random(3));
        BpeTrainer trainer = new BpeTrainer(BpeConfig.ofVocab(500));

        BpeModel a = trainer.train(TEXT);
        BpeModel b = trainer.train(TEXT);
        BpeModel c = trainer.train(shuffled);

        assertThat(a).isEqualTo(b).isEqualTo(c);
    }

    @Test
    @DisplayName("our own encoder round-trips any text, non-ASCII included")
    void ownRoundTrip() {
        BpeTokenizer tok = new BpeTrainer(BpeConfig.ofVocab(400)).train(TEXT).tokenizer();
        String text = "café – naïve ✓ 日本語 🙂 tabs\tand  spaces\n";

        assertThat(tok.decode(tok.encode(text))).isEqualTo(text);
        assertThat(tok.encode("")).isEmpty();
    }

    @Test
    @DisplayName("literal special tokens map to their ids and are dropped when decoding")
    void specialTokens() {
        BpeTokenizer tok = new BpeTrainer(BpeConfig.ofVocab(400)).train(TEXT).tokenizer();

        int[] ids = tok.encode("<s>the fox</s>");

        assertThat(ids[0]).isEqualTo(tok.bosId()).isZero();
        assertThat(ids[ids.length - 1]).isEqualTo(tok.eosId()).isEqualTo(1);
        assertThat(tok.padId()).isEqualTo(2);
        assertThat(tok.decode(ids)).isEqualTo("the fox");
    }

    @Test
    @DisplayName("a vocabulary smaller than the byte alphabet is refused")
    void rejectsTinyVocabulary() {
        assertThatThrownBy(() -> BpeConfig.ofVocab(200)).hasMessageContaining("at least 256");
    }
}
