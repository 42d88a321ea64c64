package dev.arborist.policies.plan;

import dev.arborist.model.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Creates a directory all at once: its files are written into a hidden staging directory beside
 * it, which is renamed into place when complete. On any error the staging directory is deleted,
 * so readers see either no directory or the whole one, and nothing is left behind.
 */
public final class AtomicDirectory {

    /** Fills the staging directory. */
    @FunctionalInterface
    public interface Filler<T> {
        T fill(Path staging) throws IOException;
    }

    private AtomicDirectory() {}

    /** @throws IllegalArgumentException if {@code target} exists and is not an empty directory */
    public static <T> T create(Path target, Filler<T> filler) {
        Path dir = target.toAbsolutePath().normalize();
        requireAbsentOrEmpty(dir);
        Path staging = null;
        try {
            Files.createDirectories(dir.getParent());
            staging = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".tmp-");
            T result = filler.fill(staging);
            Files.deleteIfExists(dir); // an empty directory, checked above
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            FileTrees.delete(staging);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            FileTrees.delete(staging);
            throw e;
        }
    }

    /** Fails early, before any expensive work, when {@code target} cannot be created. */
    public static void requireAbsentOrEmpty(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        boolean empty = false;
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                empty = s.findAny().isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + target + ": " + e.getMessage(), e);
            }
        }
        if (!empty) {
            throw new IllegalArgumentException(target + " already exists; choose a new output directory (artifacts are never overwritten)");
        }
    }

}
