package dev.arborist.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** A small built-in training text: enough repetition for a few hundred merges. */
final class SampleText {

    private SampleText() {}

    private static final String PARAGRAPH = """
            The quick brown fox jumps over the lazy dog. The dog was not amused, and the fox ran away.
            In the morning the farmer counted 12 hens, 3 geese and 41 ducks; the numbers were the same as the day before.
            She said: "It's the best café in the town, isn't it?" He didn't answer, but he'd been there twice.
            Pruning removes the weights that matter least, and the model keeps most of the quality of the original.
            A naïve approach removes the smallest weights; a better one weighs them by the size of their inputs.
            Odd\u00a0\u00a0spaces:\u00a012\u00a0€,\u3000\u3000full\u3000width, em\u2003\u2003dash, tabs\t\tand\u00a0 \u00a0mixes.
            """;

    /** The paragraph lines, {@code copies} times over, with a number in each copy so texts differ. */
    static List<String> lines(int copies) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            for (String line : PARAGRAPH.strip().split("\n")) {
                out.add(line + " (" + i + ")");
            }
        }
        return out;
    }
}
