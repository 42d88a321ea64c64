package dev.arborist.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzReaderTest {

    @TempDir
    Path dir;

    private static Map<String, String> corpusFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("package/package.json", "{\"name\":\"nlp-corpus\"}");
        files.put("package/builds/doc-10.json", "[\"Third.\", \"Fourth\\nline.\"]");
        files.put("package/builds/doc-2.json", "[\"First café.\", \"  \", \"Second ✓ \"]");
        return files;
    }

    @Test
    @DisplayName("reads only the wanted regular files, with their content")
    void readsWantedEntries() throws Exception {
        Path tgz = TinyTarGz.write(dir.resolve("a.tgz"), TinyTarGz.tar(corpusFiles()));

        List<TarGzReader.TarEntry> docs = TarGzReader.read(tgz, CorpusDocs::isDoc);

        assertThat(docs).extracting(TarGzReader.TarEntry::name)
                .containsExactly("package/builds/doc-10.json", "package/builds/doc-2.json");
        assertThat(new String(docs.get(1).content(), StandardCharsets.UTF_8)).contains("café");
    }

    @Test
    @DisplayName("corpus sentences come in numeric doc order, flattened to one line, blanks dropped")
    void sentencesInDocOrder() throws Exception {
        byte[] tar = TinyTarGz.tar(corpusFiles());
        Path tgz = TinyTarGz.write(dir.resolve("c.tgz"), tar);

        List<String> sentences = NlpCorpus.readSentences(tgz, integrityOf(tgz));

        assertThat(sentences).containsExactly("First café.", "Second ✓", "Third.", "Fourth line.");
    }

    @Test
    @DisplayName("a flipped byte in a tar header is reported as a checksum error")
    void rejectsCorruptHeader() throws Exception {
        byte[] tar = TinyTarGz.tar(corpusFiles());
        tar[3] ^= 0x20; // inside the first entry's name
        Path tgz = TinyTarGz.write(dir.resolve("bad.tgz"), tar);

        assertThatThrownBy(() -> TarGzReader.read(tgz, n -> true))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("corrupt tar header at offset 0")
                .hasMessageContaining("checksum");
    }

    @Test
    @DisplayName("a cut-off archive is reported as truncated")
    void rejectsTruncatedArchive() throws Exception {
        byte[] tar = TinyTarGz.tar(corpusFiles());
        Path tgz = TinyTarGz.write(dir.resolve("cut.tgz"), Arrays.copyOf(tar, 700));

        assertThatThrownBy(() -> TarGzReader.read(tgz, n -> true))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    @DisplayName("a file that is not gzip is named as such")
    void rejectsNonGzip() throws Exception {
        Path notGz = Files.write(dir.resolve("plain.tgz"), TinyTarGz.tar(corpusFiles()));

        assertThatThrownBy(() -> TarGzReader.read(notGz, n -> true))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("not a valid gzip archive");
    }

    @Test
    @DisplayName("the integrity check accepts the exact file and rejects one changed byte")
    void integrityCheck() throws Exception {
        Path tgz = TinyTarGz.write(dir.resolve("i.tgz"), TinyTarGz.tar(corpusFiles()));
        SriIntegrity good = integrityOf(tgz);
        good.verify(tgz);

        byte[] bytes = Files.readAllBytes(tgz);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tgz, bytes);

        assertThatThrownBy(() -> NlpCorpus.readSentences(tgz, good))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("integrity mismatch for " + tgz)
                .hasMessageContaining("expected " + good);
    }

    @Test
    @DisplayName("the published nlp-corpus hash is a well-formed sha512 integrity string")
    void publishedIntegrityIsSha512() {
        assertThat(NlpCorpus.INTEGRITY.algorithm()).isEqualTo("sha512");
        assertThat(Base64.getDecoder().decode(NlpCorpus.INTEGRITY.base64Digest())).hasSize(64);
    }

    @Test
    @DisplayName("a missing npm is reported with a hint")
    void missingNpm() {
        NpmPack noNpm = new NpmPack("arborist-no-such-npm-binary", java.time.Duration.ofSeconds(10));
        NlpCorpus corpus = new NlpCorpus(dir.resolve("cache"), noNpm);

        assertThatThrownBy(corpus::sentences)
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("arborist-no-such-npm-binary")
                .hasMessageContaining("is npm installed");
    }

    private static SriIntegrity integrityOf(Path file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file));
        return SriIntegrity.parse("sha512-" + Base64.getEncoder().encodeToString(digest));
    }
}
