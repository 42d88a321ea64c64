package dev.arborist.model.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Counts of adjacent symbol pairs over the word-frequency table, updated incrementally as words
 * change, with a max-heap to find the most frequent pair. Each pair also lists the words it occurs
 * in so a merge only revisits those; the lists may hold stale words, which callers skip.
 */
final class PairTable {

    static final class Pair {
        final int left;
        final int right;
        long count;
        private long queuedCount = -1;
        private int[] words = new int[4];
        private int wordCount;

        Pair(int left, int right) {
            this.left = left;
            this.right = right;
        }

        /** Snapshot of the words this pair has occurred in. */
        int[] words() {
            return Arrays.copyOf(words, wordCount);
        }

        private void addWord(int word) {
            // A word is added while it is being rewritten, so a repeat is always the last entry.
            if (wordCount > 0 && words[wordCount - 1] == word) {
                return;
            }
            if (wordCount == words.length) {
                words = Arrays.copyOf(words, wordCount * 2);
            }
            words[wordCount++] = word;
        }
    }

    private record Queued(long count, Pair pair) {}

    // Most frequent first; ties go to the smaller (left, right) ids so training is deterministic.
    private static final Comparator<Queued> ORDER = Comparator.comparingLong((Queued q) -> -q.count)
            .thenComparingInt(q -> q.pair.left)
            .thenComparingInt(q -> q.pair.right);

    private final Map<Long, Pair> pairs = new HashMap<>();
    private final PriorityQueue<Queued> queue = new PriorityQueue<>(ORDER);
    private final List<Pair> changed = new ArrayList<>();

    /** Adds {@code freq} for each adjacent pair of {@code symbols}, recording {@code word} when asked. */
    void addWord(int[] symbols, long freq, int word, boolean recordWord) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            Pair p = pair(symbols[i], symbols[i + 1]);
            p.count += freq;
            if (recordWord) {
                p.addWord(word);
            }
            changed.add(p);
        }
    }

    /** Adds pairs of a rewritten word; only pairs that contain {@code newSymbol} can be new to it. */
    void addRewrittenWord(int[] symbols, long freq, int word, int newSymbol) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            Pair p = pair(symbols[i], symbols[i + 1]);
            p.count += freq;
            if (symbols[i] == newSymbol || symbols[i + 1] == newSymbol) {
                p.addWord(word);
            }
            changed.add(p);
        }
    }

    void removeWord(int[] symbols, long freq) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            Pair p = pairs.get(key(symbols[i], symbols[i + 1]));
            p.count -= freq;
            changed.add(p);
        }
    }

    /** Queues the pairs whose counts changed since the last call. */
    void requeueChanged() {
        for (Pair p : changed) {
            if (p.count > 0 && p.count != p.queuedCount) {
                queue.add(new Queued(p.count, p));
                p.queuedCount = p.count;
            }
        }
        changed.clear();
    }

    /** The most frequent pair, or null when none occurs at least {@code minCount} times. */
    Pair pollBest(long minCount) {
        for (Queued q; (q = queue.poll()) != null; ) {
            if (q.count != q.pair.count) {
                continue; // stale: the count changed after this entry was queued
            }
            q.pair.queuedCount = -1;
            return q.count >= minCount ? q.pair : null;
        }
        return null;
    }

    private Pair pair(int left, int right) {
        return pairs.computeIfAbsent(key(left, right), k -> new Pair(left, right));
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }
}
