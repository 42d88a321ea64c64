package dev.arborist.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing temporary and staging directories: always best effort, since the caller usually has a more important error. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; a null or missing root is fine. @return whether nothing is left */
    public static boolean delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return true;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); // children before their parents
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        return !Files.exists(root);
    }
}
