package dev.arborist.model.tokenizer;

import java.util.Arrays;

/**
 * Turns a growing list of token ids into text deltas. Decodes the whole continuation each time (at
 * most the context length) so that byte-level pieces of one character come out whole: while the
 * text ends in U+FFFD the character is still incomplete and nothing is emitted.
 */
public final class Detokenizer {
    private final TextTokenizer tokenizer;
    private int[] ids = new int[16];
    private int count;
    private int emitted;

    public Detokenizer(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** @return the new text after {@code token}, possibly empty */
    public String add(int token) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = token;
        String text = tokenizer.decode(Arrays.copyOf(ids, count));
        if (text.endsWith("\uFFFD") || text.length() <= emitted) {
            return "";
        }
        String delta = text.substring(emitted);
        emitted = text.length();
        return delta;
    }
}
