package dev.arborist.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cuts special tokens out of raw text before pre-tokenization, as Hugging Face does for added tokens
 * (leftmost, longest match), so the literal text {@code <s>} always becomes the one special id.
 */
final class SpecialTokenSplitter {

    /** A run of plain text ({@code specialIndex == -1}) or one special token. */
    record Piece(String text, int specialIndex) {
        boolean isSpecial() {
            return specialIndex >= 0;
        }
    }

    private final List<String> specials;
    private final Pattern pattern; // null when there are no specials

    SpecialTokenSplitter(List<String> specials) {
        this.specials = List.copyOf(specials);
        // Longer alternatives first: a regex alternation takes the first that matches, not the longest.
        this.pattern = specials.isEmpty() ? null : Pattern.compile(specials.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    List<Piece> split(String text) {
        List<Piece> pieces = new ArrayList<>();
        int from = 0;
        if (pattern != null) {
            for (Matcher m = pattern.matcher(text); m.find(); from = m.end()) {
                if (m.start() > from) {
                    pieces.add(new Piece(text.substring(from, m.start()), -1));
                }
                pieces.add(new Piece(m.group(), specials.indexOf(m.group())));
            }
        }
        if (from < text.length()) {
            pieces.add(new Piece(text.substring(from), -1));
        }
        return pieces;
    }
}
