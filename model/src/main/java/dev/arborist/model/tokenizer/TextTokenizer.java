package dev.arborist.model.tokenizer;

/** Text to token ids and back. Implementations never add special tokens on their own. */
public interface TextTokenizer {

    /** The ids of {@code text}, without BOS/EOS; callers add those where the model needs them. */
    int[] encode(String text);

    /** Readable text of {@code ids}; special tokens are dropped. */
    String decode(int[] ids);

    int vocabSize();

    int bosId();

    int eosId();

    int padId();
}
