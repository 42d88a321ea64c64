package dev.arborist.model.tokenizer;

import dev.arborist.model.tokenizer.BpeModel.Merge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Byte-level BPE training: count pre-tokenized words, then repeatedly merge the most frequent
 * adjacent symbol pair into a new token (Sennrich et al. 2016, "Neural Machine Translation of Rare
 * Words with Subword Units") over the 256 byte symbols of GPT-2 (Radford et al. 2019).
 */
public final class BpeTrainer {

    private final BpeConfig config;

    public BpeTrainer(BpeConfig config) {
        this.config = config;
    }

    /** Trains on {@code texts}; the vocabulary is smaller than asked when pairs run out or get too rare. */
    public BpeModel train(Iterable<String> texts) {
        Map<String, Long> wordCounts = countWords(texts);
        return new Run(wordCounts).merge();
    }

    /**
     * Word frequencies, sorted by word so symbol ids and ties do not depend on hash order. Special
     * tokens are cut out first, as when encoding, so no merge can spell one.
     */
    private Map<String, Long> countWords(Iterable<String> texts) {
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(config.specialTokens());
        Map<String, Long> counts = new HashMap<>();
        for (String text : texts) {
            for (SpecialTokenSplitter.Piece piece : splitter.split(text)) {
                if (!piece.isSpecial()) {
                    for (String word : PreTokenizer.split(piece.text())) {
                        counts.merge(word, 1L, Long::sum);
                    }
                }
            }
        }
        return new TreeMap<>(counts);
    }

    /** The state of one training run: current segmentation of every distinct word. */
    private final class Run {
        private final int[][] words; // (W, symbols of word w)
        private final long[] freqs; // (W)
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<Merge> merges = new ArrayList<>();
        private final Set<Long> mergedPairs = new HashSet<>();
        private final PairTable table = new PairTable();

        Run(Map<String, Long> wordCounts) {
            config.specialTokens().forEach(this::idFor);
            for (int b = 0; b < 256; b++) {
                idFor(String.valueOf(ByteLevel.charOf(b)));
            }
            words = new int[wordCounts.size()][];
            freqs = new long[wordCounts.size()];
            int w = 0;
            for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
                byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
                words[w] = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    words[w][i] = config.specialTokens().size() + (bytes[i] & 0xff);
                }
                freqs[w] = e.getValue();
                table.addWord(words[w], freqs[w], w, true);
                w++;
            }
            table.requeueChanged();
        }

        BpeModel merge() {
            while (tokens.size() < config.vocabSize()) {
                PairTable.Pair best = table.pollBest(config.minPairFrequency());
                if (best == null) {
                    break;
                }
                int result = idFor(tokens.get(best.left) + tokens.get(best.right));
                // A pair can reappear when another rule re-creates one of its tokens; it keeps its first rank.
                if (mergedPairs.add(((long) best.left << 32) | best.right)) {
                    merges.add(new Merge(best.left, best.right, result));
                }
                for (int w : best.words()) {
                    rewrite(w, best.left, best.right, result);
                }
                table.requeueChanged();
            }
            return new BpeModel(tokens, merges, config.specialTokens());
        }

        /** Replaces each (left, right) in word w, left to right, by {@code result}, updating pair counts. */
        private void rewrite(int w, int left, int right, int result) {
            int[] old = words[w];
            int[] merged = new int[old.length];
            int n = 0;
            for (int i = 0; i < old.length; i++) {
                if (i + 1 < old.length && old[i] == left && old[i + 1] == right) {
                    merged[n++] = result;
                    i++;
                } else {
                    merged[n++] = old[i];
                }
            }
            if (n == old.length) {
                return; // stale entry: the word no longer contains the pair
            }
            words[w] = Arrays.copyOf(merged, n);
            table.removeWord(old, freqs[w]);
            table.addRewrittenWord(words[w], freqs[w], w, result);
        }

        private int idFor(String token) {
            return ids.computeIfAbsent(token, t -> {
                tokens.add(t);
                return tokens.size() - 1;
            });
        }
    }
}
