package dev.arborist.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusSplitTest {

    private static List<String> sentences(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("Sentence number " + i + " says something ✓.");
        }
        return out;
    }

    @Test
    @DisplayName("the same input splits the same way, whatever the input order")
    void deterministic() {
        List<String> input = sentences(5_000);
        List<String> shuffled = new ArrayList<>(input);
        Collections.shuffle(shuffled, new Random(7));
        CorpusSplit split = CorpusSplit.standard();

        SplitSentences a = split.split(input);
        SplitSentences b = split.split(input);
        SplitSentences c = split.split(shuffled);

        assertThat(a).isEqualTo(b);
        assertThat(new HashSet<>(c.eval())).isEqualTo(new HashSet<>(a.eval()));
        assertThat(new HashSet<>(c.calibration())).isEqualTo(new HashSet<>(a.calibration()));
    }

    @Test
    @DisplayName("parts are disjoint, cover the input, and have roughly the asked sizes")
    void disjointAndSized() {
        List<String> input = sentences(20_000);
        SplitSentences s = new CorpusSplit(0.05, 0.02, 1L).split(input);

        Set<String> train = new HashSet<>(s.train());
        assertThat(s.eval()).noneMatch(train::contains).noneMatch(s.calibration()::contains);
        assertThat(s.calibration()).noneMatch(train::contains);
        assertThat(s.train().size() + s.calibration().size() + s.eval().size()).isEqualTo(input.size());
        assertThat(s.calibration().size()).isBetween(800, 1200); // 5% of 20k = 1000
        assertThat(s.eval().size()).isBetween(300, 500); // 2% of 20k = 400
    }

    @Test
    @DisplayName("every copy of a sentence lands in the same part")
    void duplicatesStayTogether() {
        List<String> input = new ArrayList<>(sentences(2_000));
        input.addAll(sentences(2_000)); // each sentence twice
        SplitSentences s = new CorpusSplit(0.1, 0.1, 0L).split(input);

        assertThat(s.eval()).isNotEmpty();
        assertThat(s.calibration()).isNotEmpty();
        for (String e : s.eval()) {
            assertThat(Collections.frequency(s.eval(), e)).isEqualTo(2);
            assertThat(s.train()).doesNotContain(e);
        }
        for (String c : s.calibration()) {
            assertThat(Collections.frequency(s.calibration(), c)).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("another seed gives another split")
    void seedMatters() {
        List<String> input = sentences(5_000);
        assertThat(new CorpusSplit(0.01, 0.01, 1L).split(input).eval())
                .isNotEqualTo(new CorpusSplit(0.01, 0.01, 2L).split(input).eval());
    }

    @Test
    @DisplayName("splits are written as UTF-8 files, one sentence per line, and read back unchanged")
    void writesAndReadsFiles(@TempDir Path dir) throws Exception {
        SplitSentences s = CorpusSplit.standard().split(sentences(3_000));

        Map<Split, Path> files = s.writeTo(dir);

        assertThat(files.get(Split.EVAL)).isEqualTo(dir.resolve("eval.txt"));
        assertThat(Files.readAllLines(files.get(Split.TRAIN), StandardCharsets.UTF_8)).isEqualTo(s.train());
        assertThat(SplitSentences.readFrom(dir)).isEqualTo(s);
    }

    @Test
    @DisplayName("a sentence with a line break cannot be written")
    void rejectsLineBreaks(@TempDir Path dir) {
        SplitSentences s = new SplitSentences(List.of("one\ntwo"), List.of(), List.of());
        assertThatThrownBy(() -> s.writeTo(dir)).hasMessageContaining("line break");
    }

    @Test
    @DisplayName("fractions that leave no training data are refused")
    void rejectsBadFractions() {
        assertThatThrownBy(() -> new CorpusSplit(0.6, 0.5, 0L)).hasMessageContaining("sum < 1");
        assertThatThrownBy(() -> new CorpusSplit(-0.1, 0.1, 0L)).isInstanceOf(IllegalArgumentException.class);
    }
}
