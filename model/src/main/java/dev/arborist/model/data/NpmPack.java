package dev.arborist.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a package tarball with the user's own {@code npm pack}, so the registry, proxy and
 * credentials come from their npm configuration rather than from this code.
 */
public record NpmPack(String npmCommand, Duration timeout) {

    public static NpmPack standard() {
        return new NpmPack("npm", Duration.ofMinutes(5));
    }

    /**
     * Runs {@code npm pack <spec>} in {@code dir} and returns the tarball it wrote there.
     *
     * @param spec e.g. {@code nlp-corpus@4.4.0}
     * @param expectedFile the file name npm writes, e.g. {@code nlp-corpus-4.4.0.tgz}
     */
    public Path pack(String spec, Path dir, String expectedFile) {
        List<String> cmd = List.of(npmCommand, "pack", spec, "--silent");
        String what = String.join(" ", cmd);
        Path log = null;
        try {
            Files.createDirectories(dir);
            // Output goes to a file so a hung npm cannot block us on a full pipe past the timeout.
            log = Files.createTempFile(dir, "npm-pack", ".log");
            int exit = run(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()), what);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new CorpusException("'" + what + "' failed with exit code " + exit + ": " + tail(output));
            }
            Path tgz = dir.resolve(expectedFile);
            if (!Files.isRegularFile(tgz)) {
                throw new CorpusException("'" + what + "' did not write " + tgz + "; it printed: " + tail(output));
            }
            return tgz;
        } catch (IOException e) {
            throw new CorpusException("cannot run '" + what + "' in " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(log);
        }
    }

    private int run(ProcessBuilder pb, String what) {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CorpusException("cannot run '" + npmCommand + "' (is npm installed and on the PATH?): "
                    + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CorpusException("'" + what + "' did not finish within " + timeout);
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CorpusException("interrupted while running '" + what + "'", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a leftover log file in the cache is harmless
        }
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
    }
}
