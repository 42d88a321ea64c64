package dev.arborist.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our tokenizer.json, loaded by Hugging Face tokenizers through DJL, must agree with our encoder. */
class HfTokenizerTest {

    private static final List<String> TRICKY = List.of(
            "café – naïve ✓",
            "The quick brown fox jumps over the lazy dog.",
            "It's the dog's bone; they'll say we've done what I'd've done.",
            "  leading spaces, trailing spaces   ",
            "tabs\tand\nnew lines\r\n\nand  double  spaces",
            "non\u00a0breaking\u2003em space\u3000ideographic",
            // Unicode spaces, where Java's ASCII-only \s would split differently from HF's regex:
            "Odd\u00a0\u00a0spaces:\u00a012\u00a0€,\u3000\u3000full\u3000width, tabs\t\tand\u00a0 \u00a0mixes",
            "日本語のテキスト, 中文, 한국어",
            "emoji 🙂👍🏽 and flags 🇩🇪",
            "combining e\u0301 vs é, Ωmega, straße",
            "numbers 1234567 3.14159 1,000,000 ٣٤٥",
            "<s>bos in text</s> and <pad> and <s and s>",
            "symbols !@#$%^&*()_+-=[]{}|;':\",./<>?`~ ...");

    @TempDir
    static Path dir;

    private static BpeTokenizer ours;
    private static HfTokenizer hf;

    @BeforeAll
    static void trainAndLoad() throws Exception {
        BpeModel model = new BpeTrainer(BpeConfig.ofVocab(450)).train(SampleText.lines(20));
        model.writeTokenizerJson(dir.resolve("tokenizer.json"));
        ours = model.tokenizer();
        hf = HfTokenizer.load(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    @Test
    @DisplayName("DJL gives exactly our ids")
    void sameIds() {
        for (String text : TRICKY) {
            assertThat(hf.encode(text)).as(text).containsExactly(ours.encode(text));
        }
    }

    @Test
    @DisplayName("encode then decode through DJL gives the input back")
    void roundTrip() {
        for (String text : TRICKY) {
            if (!text.contains("<s>")) {
                assertThat(hf.decode(hf.encode(text))).isEqualTo(text);
            }
        }
        assertThat(hf.decode(hf.encode("café – naïve ✓"))).isEqualTo("café – naïve ✓");
    }

    @Test
    @DisplayName("sizes and special ids agree with the trained model; special text decodes away")
    void specials() {
        assertThat(hf.vocabSize()).isEqualTo(ours.vocabSize()).isEqualTo(450);
        assertThat(List.of(hf.bosId(), hf.eosId(), hf.padId())).containsExactly(0, 1, 2);
        assertThat(hf.encode("<s>")).containsExactly(0);
        assertThat(hf.decode(new int[] {0, hf.encode(" fox")[0], 1, 2})).isEqualTo(" fox");
    }

    @Test
    @DisplayName("long texts are not truncated")
    void noTruncation() {
        String longText = String.join(" ", SampleText.lines(10));
        int[] ids = hf.encode(longText);

        assertThat(ids.length).isGreaterThan(1000);
        assertThat(ids).containsExactly(ours.encode(longText));
    }

    @Test
    @DisplayName("a directory holding tokenizer.json loads too; a missing file is named")
    void loading() {
        try (HfTokenizer fromDir = HfTokenizer.load(dir)) {
            assertThat(fromDir.encode("the fox")).containsExactly(ours.encode("the fox"));
        }
        assertThatThrownBy(() -> HfTokenizer.load(dir.resolve("nope.json"))).hasMessageContaining("nope.json");
    }

    @Test
    @DisplayName("special ids fall back Llama-style: no pad means eos, no bos means eos")
    void specialFallbacks() {
        assertThat(SpecialTokenIds.resolve(Map.of("<|begin_of_text|>", 128000, "<|end_of_text|>", 128001)))
                .isEqualTo(new SpecialTokenIds(128000, 128001, 128001));
        assertThat(SpecialTokenIds.resolve(Map.of("<|endoftext|>", 50256)))
                .isEqualTo(new SpecialTokenIds(50256, 50256, 50256));
        assertThatThrownBy(() -> SpecialTokenIds.resolve(Map.of("a", 0))).hasMessageContaining("end-of-sequence");
    }
}
