package dev.arborist.model.runtime;

import dev.arborist.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A text file as one token stream: each non-empty line is encoded and followed by the end-of-text
 * token, the same way for training, calibration and evaluation.
 */
public final class TokenizedText {
    private TokenizedText() {}

    public static int[] read(Path file, TextTokenizer tokenizer) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("text file not found: " + file);
        }
        return encodeLines(Files.readAllLines(file, StandardCharsets.UTF_8), tokenizer);
    }

    public static int[] encodeLines(List<String> lines, TextTokenizer tokenizer) {
        IntBuffer out = new IntBuffer();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            out.addAll(tokenizer.encode(line.strip()));
            out.add(tokenizer.eosId());
        }
        return out.toArray();
    }

    private static final class IntBuffer {
        private int[] data = new int[1 << 16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] values) {
            for (int v : values) {
                add(v);
            }
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
