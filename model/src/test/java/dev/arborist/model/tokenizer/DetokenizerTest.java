package dev.arborist.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DetokenizerTest {

    @Test
    @DisplayName("streamed deltas concatenate to the decoded text, and a character split across byte tokens is held back until whole")
    void deltas() {
        String text = "café ✓ naïve";
        BpeModel bpe = new BpeTrainer(BpeConfig.ofVocab(270)).train(List.of("plain ascii only here"));
        BpeTokenizer tokenizer = bpe.tokenizer();
        int[] ids = tokenizer.encode(text);
        Detokenizer detokenizer = new Detokenizer(tokenizer);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String delta = detokenizer.add(id);
            assertThat(delta).doesNotContain("\uFFFD");
            streamed.append(delta);
        }
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(ids.length).isGreaterThan(text.length()); // the non-ASCII characters really were split into bytes
    }
}
