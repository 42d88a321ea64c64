package dev.arborist.model.data;

import dev.arborist.model.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The English sentences of the npm package nlp-corpus 4.4.0 (MIT licence, 100k sentences, ~8.8 MB).
 * The tarball is fetched once with {@code npm pack} into a cache directory, and checked against the
 * integrity hash the registry published for it every time it is read.
 */
public final class NlpCorpus {

    public static final String PACKAGE = "nlp-corpus";
    public static final String VERSION = "4.4.0";
    /** {@code npm view nlp-corpus@4.4.0 dist.integrity}. */
    public static final SriIntegrity INTEGRITY = SriIntegrity.parse(
            "sha512-1vOdUcAoOi1p85iZTC5SZWiIB1H3sDQxgyb4wTF0bZ9QgAVSJjl/Bck0lC5sG4quFgJ6Bz2K5mTaknhBlfEmvw==");

    private static final String TARBALL = PACKAGE + "-" + VERSION + ".tgz";

    private final Path cacheDir;
    private final NpmPack npm;

    public NlpCorpus(Path cacheDir, NpmPack npm) {
        this.cacheDir = cacheDir;
        this.npm = npm;
    }

    /** Caches under {@code ~/.cache/arborist/corpus}. */
    public static NlpCorpus withDefaultCache() {
        return new NlpCorpus(defaultCacheDir(), NpmPack.standard());
    }

    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "arborist", "corpus");
    }

    /** All sentences, one line each, in package order (doc-0 first). */
    public List<String> sentences() {
        Path tgz = tarball();
        return readSentences(tgz, INTEGRITY);
    }

    /** Sentences of a local tarball, after checking it against {@code integrity}. */
    public static List<String> readSentences(Path tgz, SriIntegrity integrity) {
        integrity.verify(tgz);
        return CorpusDocs.sentences(TarGzReader.read(tgz, CorpusDocs::isDoc), tgz.toString());
    }

    /** The cached tarball, fetched first if absent. Not verified here; {@link #sentences()} verifies. */
    public Path tarball() {
        Path cached = cacheDir.resolve(TARBALL);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Path staging = null;
        try {
            Files.createDirectories(cacheDir);
            // Fetch into a private directory and move into place, so a half-written file is never reused.
            staging = Files.createTempDirectory(cacheDir, ".fetch-");
            Path fetched = npm.pack(PACKAGE + "@" + VERSION, staging, TARBALL);
            INTEGRITY.verify(fetched);
            Files.move(fetched, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return cached;
        } catch (IOException e) {
            throw new CorpusException("cannot store " + TARBALL + " in " + cacheDir + ": " + e.getMessage(), e);
        } finally {
            FileTrees.delete(staging);
        }
    }

}
