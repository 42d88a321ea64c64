package dev.arborist.model.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A Subresource-Integrity string as npm publishes it in {@code dist.integrity}, e.g.
 * {@code sha512-<base64 digest>}.
 */
public record SriIntegrity(String algorithm, String base64Digest) {

    public SriIntegrity {
        if (!algorithm.equals("sha512")) {
            throw new IllegalArgumentException("only sha512 integrity is supported, got " + algorithm);
        }
        Base64.getDecoder().decode(base64Digest); // fails fast on a malformed constant
    }

    public static SriIntegrity parse(String sri) {
        int dash = sri.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("not an integrity string (want sha512-<base64>): " + sri);
        }
        return new SriIntegrity(sri.substring(0, dash), sri.substring(dash + 1));
    }

    /** Throws a {@link CorpusException} naming the file and both hashes when the file does not match. */
    public void verify(Path file) {
        String actual = digestOf(file);
        if (!actual.equals(base64Digest)) {
            throw new CorpusException("integrity mismatch for " + file + ": expected " + this
                    + " but the file hashes to " + algorithm + "-" + actual
                    + " (corrupted or tampered download; delete it and retry)");
        }
    }

    @Override
    public String toString() {
        return algorithm + "-" + base64Digest;
    }

    private static String digestOf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (IOException e) {
            throw new CorpusException("cannot read " + file + " to check its integrity: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-512", e);
        }
    }
}
