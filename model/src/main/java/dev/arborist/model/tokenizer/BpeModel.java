package dev.arborist.model.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE vocabulary. Ids: the special tokens first, then the 256 byte tokens
 * (byte b has id {@code specials + b}), then one token per merge in training order.
 *
 * @param tokens byte-level spelling of each id ('Ġ' for a space), index = id
 * @param merges merge rules in priority order (rank = index)
 * @param specialTokens the added tokens, which are {@code tokens[0 .. specials)}
 */
public record BpeModel(List<String> tokens, List<Merge> merges, List<String> specialTokens) {

    /** {@code left + right -> result}; several rules may produce the same token text. */
    public record Merge(int left, int right, int result) {}

    public BpeModel {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
        if (!tokens.subList(0, specialTokens.size()).equals(specialTokens)) {
            throw new IllegalArgumentException("special tokens must take the first ids");
        }
    }

    public int vocabSize() {
        return tokens.size();
    }

    /** Id of the token for byte {@code unsignedByte}. */
    public int byteId(int unsignedByte) {
        return specialTokens.size() + unsignedByte;
    }

    public boolean isSpecial(int id) {
        return id >= 0 && id < specialTokens.size();
    }

    public Map<String, Integer> vocab() {
        Map<String, Integer> map = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            map.put(tokens.get(id), id);
        }
        return map;
    }

    /** Our own encoder; gives the same ids as Hugging Face tokenizers on {@link #writeTokenizerJson}. */
    public BpeTokenizer tokenizer() {
        return new BpeTokenizer(this);
    }

    /** Writes a Hugging Face {@code tokenizer.json} for this vocabulary. */
    public void writeTokenizerJson(Path file) throws IOException {
        TokenizerJson.write(this, file);
    }
}
