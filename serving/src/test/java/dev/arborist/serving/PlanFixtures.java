package dev.arborist.serving;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PlanArtifact;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Plan artifacts for tests: written with the magnitude method over a tiny base model, then damaged on purpose. */
final class PlanFixtures {
    private PlanFixtures() {}

    /** A magnitude plan at {@code sparsity} written to {@code dir}; different sparsities give different plan ids. */
    static PlanArtifact write(LanguageModel base, Path dir, double sparsity) {
        int[] tokens = new Random(3).ints(64, 0, base.config().vocabSize()).toArray();
        var plan = PruningMethods.create("magnitude").plan(new PruningTarget(base, sparsity, Map.of()), CalibrationSet.fromTokens(tokens, 2, 16),
                (done, total) -> {});
        return PlanArtifact.write(dir.toAbsolutePath(), plan, base, null, Map.of());
    }

    /** Keeps the first {@code fraction} of {@code file}'s bytes. */
    static void truncate(Path file, double fraction) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((long) (f.length() * fraction));
        }
    }

    /** Rewrites the artifact's manifest.json through {@code edit}. */
    static void editManifest(Path artifact, UnaryOperator<JsonObject> edit) throws IOException {
        Path manifest = artifact.resolve(PlanArtifact.MANIFEST_FILE);
        Files.writeString(manifest, edit.apply(new JsonObject(Files.readString(manifest))).encodePrettily());
    }

    /** Points the manifest's plan id and plan.safetensors hash at {@code sha256}, as a manifest that agrees with a changed file would. */
    static void setPlanHash(Path artifact, String sha256) throws IOException {
        editManifest(artifact, m -> m.put("plan_id", sha256).put("files", m.getJsonObject("files").copy().put(PlanArtifact.PLAN_FILE, sha256)));
    }

    /** Relative path -> sha256 of every file under {@code dir}, to show later that nothing changed. */
    static Map<String, String> sha256Tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> out.put(dir.relativize(f).toString(), sha256(f)));
        }
        return out;
    }

    /**
     * Adds a file of {@code bytes} zeros to the artifact and to its manifest, like a materialised
     * model shipped with the plan: verifying the artifact then takes a while.
     */
    static void addLargeFile(Path artifact, String name, long bytes) throws IOException {
        Path file = artifact.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes); // sparse: cheap to write, read back as zeros
        }
        String sha = sha256(file);
        editManifest(artifact, m -> m.put("files", m.getJsonObject("files").copy().put(name, sha)));
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
