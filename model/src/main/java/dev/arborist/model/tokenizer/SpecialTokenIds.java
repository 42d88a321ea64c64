package dev.arborist.model.tokenizer;

import java.util.List;
import java.util.Map;

/** Ids of the sequence markers, found by token text so any common naming scheme works. */
public record SpecialTokenIds(int bos, int eos, int pad) {

    // First match wins: our own names, then Llama 3, Gemma and GPT-2 style names.
    private static final List<String> BOS = List.of("<s>", "<|begin_of_text|>", "<bos>", "<|endoftext|>");
    private static final List<String> EOS = List.of("</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>", "<|eot_id|>");
    private static final List<String> PAD = List.of("<pad>", "<|pad|>", "<|finetune_right_pad_id|>");

    /**
     * Looks the markers up in a token-to-id map. A missing pad falls back to eos (Llama style:
     * padded positions are masked anyway); a missing bos falls back to eos (GPT-2 style).
     */
    public static SpecialTokenIds resolve(Map<String, Integer> vocab) {
        Integer eos = first(EOS, vocab);
        if (eos == null) {
            throw new IllegalArgumentException("the vocabulary has no end-of-sequence token (looked for " + EOS + ")");
        }
        Integer bos = first(BOS, vocab);
        Integer pad = first(PAD, vocab);
        return new SpecialTokenIds(bos != null ? bos : eos, eos, pad != null ? pad : eos);
    }

    private static Integer first(List<String> names, Map<String, Integer> vocab) {
        for (String name : names) {
            Integer id = vocab.get(name);
            if (id != null) {
                return id;
            }
        }
        return null;
    }
}
