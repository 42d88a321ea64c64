package dev.arborist.policies.plan;

import dev.arborist.model.runtime.LanguageModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan in the artifact store: a directory with plan.safetensors (the plan, whose sha256 is the
 * plan id) and manifest.json (provenance, achieved sparsity, quality, sha256 of every file).
 * Directories are written atomically and verified completely when read.
 */
public record PlanArtifact(PlanManifest manifest, PruningPlan plan) {
    public static final String PLAN_FILE = "plan.safetensors";
    public static final String MANIFEST_FILE = "manifest.json";

    public String id() {
        return manifest.planId();
    }

    /**
     * Writes a new artifact directory all at once (see {@link AtomicDirectory}).
     *
     * @param base the dense model the plan was built from; must have been loaded from a directory
     * @param parentPlanId the plan this one follows in a lineage, or null
     * @param quality measurements of the pruned model, e.g. {"perplexity": 31.2}; may be empty
     */
    public static PlanArtifact write(Path dir, PruningPlan plan, LanguageModel base, String parentPlanId, Map<String, Double> quality) {
        return AtomicDirectory.create(dir, staging -> writeInto(staging, plan, base, parentPlanId, quality));
    }

    /**
     * Writes the plan and the manifest into a staging directory the caller moves into place; files
     * already there (e.g. a materialised model) are hashed into the manifest too.
     */
    public static PlanArtifact writeInto(Path staging, PruningPlan plan, LanguageModel base, String parentPlanId,
                                         Map<String, Double> quality) throws IOException {
        String baseFingerprint = fingerprint(base);
        PlanFile.write(staging.resolve(PLAN_FILE), plan);
        Map<String, String> files = FileHashes.of(staging, MANIFEST_FILE);
        SparsityReport sparsity = SparsityReport.measure(plan, base);
        PlanManifest manifest = new PlanManifest(files.get(PLAN_FILE), baseFingerprint, parentPlanId, plan.method(), plan.settings(),
                List.copyOf(sparsity.tensors().keySet()), sparsity, quality, Instant.now(), files);
        manifest.write(staging.resolve(MANIFEST_FILE));
        return new PlanArtifact(manifest, plan);
    }

    /** Reads an artifact after checking that it was built for {@code base} and that no file changed. */
    public static PlanArtifact read(Path dir, LanguageModel base) {
        Path manifestFile = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new PlanFormatException(dir + " is not a plan artifact (no " + MANIFEST_FILE + ")");
        }
        PlanManifest manifest = PlanManifest.read(manifestFile);
        String fingerprint = fingerprint(base);
        if (!manifest.baseModel().equals(fingerprint)) {
            throw new PlanFormatException("plan " + dir + " was built for base model " + manifest.baseModel() + ", this model ("
                    + base.directory() + ") is " + fingerprint);
        }
        verifyFiles(dir, manifest);
        try {
            return new PlanArtifact(manifest, PlanFile.read(dir.resolve(PLAN_FILE)));
        } catch (RuntimeException e) { // hashes agree but the content does not parse: written wrong, not corrupted on the way
            throw new PlanFormatException(dir.resolve(PLAN_FILE) + " is not a readable plan: " + e.getMessage(), e);
        }
    }

    /** The plan id a directory's manifest names, for reporting on an artifact that failed to load; empty when unreadable. */
    public static java.util.Optional<String> declaredId(Path dir) {
        try {
            return java.util.Optional.of(PlanManifest.read(dir.resolve(MANIFEST_FILE)).planId());
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static void verifyFiles(Path dir, PlanManifest manifest) {
        if (!manifest.planId().equals(manifest.files().get(PLAN_FILE))) {
            throw new PlanFormatException(dir.resolve(MANIFEST_FILE) + ": plan id " + manifest.planId()
                    + " is not the sha256 of " + PLAN_FILE);
        }
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> f : manifest.files().entrySet()) {
            Path p = root.resolve(f.getKey()).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) {
                throw new PlanFormatException(dir + ": file " + f.getKey() + " listed in the manifest is missing");
            }
            String actual = FileHashes.sha256(p);
            if (!actual.equals(f.getValue())) {
                throw new PlanFormatException(p + " is corrupted: its sha256 is " + actual + ", the manifest says " + f.getValue());
            }
        }
    }

    private static String fingerprint(LanguageModel base) {
        String f = base.fingerprint();
        if (f == null) {
            throw new IllegalArgumentException("plans need a base model loaded from a directory (it has no fingerprint)");
        }
        return f;
    }
}
