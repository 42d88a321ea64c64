package dev.arborist.model.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 over a model directory's config and weight files (in name order): plans record the
 * fingerprint of the base model they were built from, and are refused by any other model.
 */
public final class ModelFingerprint {
    private ModelFingerprint() {}

    public static String sha256(Path modelDir) {
        try (Stream<Path> files = Files.list(modelDir)) {
            List<Path> parts = files
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.equals("config.json") || n.endsWith(".safetensors") || n.equals("model.safetensors.index.json");
                    })
                    .sorted()
                    .toList();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (Path p : parts) {
                digest.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint " + modelDir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
