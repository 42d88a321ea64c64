package dev.arborist.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization (the regex Hugging Face's ByteLevel pre-tokenizer uses): contractions,
 * letters, digits and punctuation runs each with an optional leading space, then whitespace. Merges
 * never cross these pieces.
 */
final class PreTokenizer {

    // UNICODE_CHARACTER_CLASS makes \s match Unicode white space, as Oniguruma's \s does in HF tokenizers.
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizer() {}

    static List<String> split(CharSequence text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }
}
