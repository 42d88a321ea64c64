package dev.arborist.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvalTextTest {

    @Test
    @DisplayName("the search and held-out parts take alternate windows of the text, so both sample all of it")
    void alternateWindows() {
        int[] tokens = IntStream.range(0, 10 * 4 + 3).toArray(); // ten windows of 4, and 3 tokens left over
        EvalText text = EvalText.split(tokens, 4);

        assertThat(text.heldOutIsSeparate()).isTrue();
        assertThat(text.search()).containsExactly(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27, 32, 33, 34, 35);
        assertThat(text.heldOut()).containsExactly(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31, 36, 37, 38, 39);
    }

    @Test
    @DisplayName("a text too short for two windows per part is used for both")
    void shortText() {
        int[] tokens = IntStream.range(0, 15).toArray();
        EvalText text = EvalText.split(tokens, 4);
        assertThat(text.heldOutIsSeparate()).isFalse();
        assertThat(text.search()).isSameAs(tokens);
    }
}
