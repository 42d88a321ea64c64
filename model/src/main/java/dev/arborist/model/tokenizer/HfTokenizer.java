package dev.arborist.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library through DJL. Loads only
 * from a local file, never from the hub. Not thread-safe to close while encoding.
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {

    private final HuggingFaceTokenizer hf;
    private final int vocabSize;
    private final SpecialTokenIds specialIds;

    private HfTokenizer(HuggingFaceTokenizer hf, int vocabSize, SpecialTokenIds specialIds) {
        this.hf = hf;
        this.vocabSize = vocabSize;
        this.specialIds = specialIds;
    }

    /** Loads {@code tokenizerJson}, or the {@code tokenizer.json} inside it when it is a directory. */
    public static HfTokenizer load(Path tokenizerJson) {
        Path file = Files.isDirectory(tokenizerJson) ? tokenizerJson.resolve("tokenizer.json") : tokenizerJson;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer.json at " + file);
        }
        try {
            Map<String, Integer> vocab = TokenizerJson.readVocab(file);
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    // DJL otherwise truncates to 512 tokens; callers decide about length.
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new HfTokenizer(hf, Collections.max(vocab.values()) + 1, SpecialTokenIds.resolve(vocab));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return hf.decode(wide, true); // skip special tokens
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bosId() {
        return specialIds.bos();
    }

    @Override
    public int eosId() {
        return specialIds.eos();
    }

    @Override
    public int padId() {
        return specialIds.pad();
    }

    @Override
    public void close() {
        hf.close();
    }
}
