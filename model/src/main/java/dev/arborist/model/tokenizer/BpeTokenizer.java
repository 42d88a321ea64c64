package dev.arborist.model.tokenizer;

import dev.arborist.model.tokenizer.BpeModel.Merge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes with a {@link BpeModel} exactly as Hugging Face's BPE model does: inside each
 * pre-tokenized word, repeatedly apply the lowest-rank merge among adjacent pairs, leftmost first.
 * Thread-safe (immutable).
 */
public final class BpeTokenizer implements TextTokenizer {

    private record Rule(int rank, int result) {}

    private final BpeModel model;
    private final Map<Long, Rule> rules = new HashMap<>();
    private final SpecialTokenSplitter splitter;
    private final SpecialTokenIds specialIds;

    BpeTokenizer(BpeModel model) {
        this.model = model;
        List<Merge> merges = model.merges();
        for (int rank = 0; rank < merges.size(); rank++) {
            Merge m = merges.get(rank);
            rules.putIfAbsent(key(m.left(), m.right()), new Rule(rank, m.result()));
        }
        this.splitter = new SpecialTokenSplitter(model.specialTokens());
        this.specialIds = SpecialTokenIds.resolve(model.vocab());
    }

    @Override
    public int[] encode(String text) {
        IntBuffer out = new IntBuffer(text.length() / 3 + 4);
        for (SpecialTokenSplitter.Piece piece : splitter.split(text)) {
            if (piece.isSpecial()) {
                out.add(piece.specialIndex()); // specials take ids 0..k-1 in list order
                continue;
            }
            for (String word : PreTokenizer.split(piece.text())) {
                encodeWord(word, out);
            }
        }
        return out.toArray();
    }

    private void encodeWord(String word, IntBuffer out) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = model.byteId(bytes[i] & 0xff);
        }
        int n = symbols.length;
        while (n > 1) {
            int bestPos = -1;
            Rule best = null;
            for (int i = 0; i + 1 < n; i++) {
                Rule r = rules.get(key(symbols[i], symbols[i + 1]));
                if (r != null && (best == null || r.rank() < best.rank())) {
                    best = r;
                    bestPos = i;
                }
            }
            if (best == null) {
                break;
            }
            symbols[bestPos] = best.result();
            System.arraycopy(symbols, bestPos + 2, symbols, bestPos + 1, n - bestPos - 2);
            n--;
        }
        out.addAll(symbols, n);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (!model.isSpecial(id) && id >= 0 && id < model.vocabSize()) {
                ByteLevel.appendBytes(model.tokens().get(id), bytes);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
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

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    /** A growable int array, to avoid boxing every id. */
    private static final class IntBuffer {
        private int[] data;
        private int size;

        IntBuffer(int capacity) {
            data = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] values, int count) {
            for (int i = 0; i < count; i++) {
                add(values[i]);
            }
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
