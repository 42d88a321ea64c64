package dev.arborist.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The sentences of each {@link Split}; on disk, one UTF-8 text file per split, one sentence per line. */
public record SplitSentences(List<String> train, List<String> calibration, List<String> eval) {

    public SplitSentences {
        train = List.copyOf(train);
        calibration = List.copyOf(calibration);
        eval = List.copyOf(eval);
    }

    public List<String> get(Split split) {
        return switch (split) {
            case TRAIN -> train;
            case CALIBRATION -> calibration;
            case EVAL -> eval;
        };
    }

    /** Writes {@code train.txt}, {@code calib.txt} and {@code eval.txt} into {@code dir}. */
    public Map<Split, Path> writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<Split, Path> files = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<String> lines = get(split);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).indexOf('\n') >= 0 || lines.get(i).indexOf('\r') >= 0) {
                    throw new IllegalArgumentException(split + " sentence " + i
                            + " contains a line break; flatten it first (one sentence per line)");
                }
            }
            Path file = dir.resolve(split.fileName());
            Files.write(file, lines, StandardCharsets.UTF_8);
            files.put(split, file);
        }
        return files;
    }

    public static SplitSentences readFrom(Path dir) throws IOException {
        return new SplitSentences(
                read(dir, Split.TRAIN), read(dir, Split.CALIBRATION), read(dir, Split.EVAL));
    }

    private static List<String> read(Path dir, Split split) throws IOException {
        return Files.readAllLines(dir.resolve(split.fileName()), StandardCharsets.UTF_8);
    }
}
