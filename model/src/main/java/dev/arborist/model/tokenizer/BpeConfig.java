package dev.arborist.model.tokenizer;

import java.util.List;

/**
 * What {@link BpeTrainer} builds.
 *
 * @param vocabSize final vocabulary size, counting the 256 byte tokens and the special tokens
 * @param minPairFrequency stop merging once the most frequent pair is rarer than this
 * @param specialTokens added tokens, given the lowest ids in this order
 */
public record BpeConfig(int vocabSize, int minPairFrequency, List<String> specialTokens) {

    public static final List<String> DEFAULT_SPECIALS = List.of("<s>", "</s>", "<pad>");

    public BpeConfig {
        specialTokens = List.copyOf(specialTokens);
        if (vocabSize < 256 + specialTokens.size()) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " must be at least 256 byte tokens + "
                    + specialTokens.size() + " special tokens");
        }
        if (minPairFrequency < 1) {
            throw new IllegalArgumentException("minPairFrequency must be >= 1, got " + minPairFrequency);
        }
        if (specialTokens.stream().distinct().count() != specialTokens.size()) {
            throw new IllegalArgumentException("special tokens must be distinct: " + specialTokens);
        }
    }

    /** 4096 tokens, pairs seen at least twice, {@code <s> </s> <pad>}. */
    public static BpeConfig standard() {
        return new BpeConfig(4096, 2, DEFAULT_SPECIALS);
    }

    public static BpeConfig ofVocab(int vocabSize) {
        return new BpeConfig(vocabSize, 2, DEFAULT_SPECIALS);
    }
}
