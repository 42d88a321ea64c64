package dev.arborist.serving;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.Ladder;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.plan.PlanFormatException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a servable version from an elastic plan artifact, on the {@link PlanLoader}'s thread:
 * read and verify (sha256 of every file, ladder.json included; base fingerprint), apply the
 * importance permutation once (a copy of the base weights), warm up every rung (which also builds
 * each rung's prefix views, so the model thread never does), and size one KV cache on the full
 * model: every rung shares it.
 */
final class ElasticVersions {
    private ElasticVersions() {}

    /** Whether {@code dir} holds an elastic plan: its ladder is there (the manifest must list it too, or reading fails). */
    static boolean isElastic(Path dir) {
        return Files.isRegularFile(dir.resolve(ElasticArtifact.LADDER_FILE));
    }

    /**
     * @param expected what the update event announced; null checks nothing
     * @param baseRung where its requests start; must be on the ladder
     * @throws ApiError a 422 (plan rejected) saying what is wrong
     */
    static ModelVersion prepare(Path dir, PlanLoader.Expected expected, int baseRung, LoadedModel served, Scheduler scheduler) {
        LanguageModel base = served.model();
        ElasticArtifact artifact;
        try {
            artifact = ElasticArtifact.read(dir, base);
        } catch (PlanFormatException e) {
            throw ApiError.planRejected(e.getMessage());
        }
        if (expected != null) {
            expected.check(artifact.manifest());
        }
        Ladder ladder = artifact.plan().ladder();
        requireSameLadderIfServed(artifact.id(), ladder, scheduler.versions());
        if (baseRung < 0 || baseRung >= ladder.size()) {
            throw ApiError.planRejected("rung " + baseRung + " is not on the ladder of plan " + artifact.id() + ": use 0.." + (ladder.size() - 1));
        }
        NDManager weights = base.manager().newSubManager(); // permuted weights, level views and the cache
        try {
            ElasticModel model = artifact.plan().apply(base, weights);
            for (Rung r : ladder.rungs()) {
                PlanLoader.warmUp(model.at(r.level()), weights, served);
            }
            KvCache cache = scheduler.newCache(model.full(), weights, served.contextLength());
            return new ModelVersion(artifact.id(), model.full(), cache, artifact.manifest().sparsity().overall(), weights,
                    new ElasticVersion(model, ladder, baseRung));
        } catch (RuntimeException e) {
            weights.close(); // the views live in a sub-manager of it
            throw e instanceof ApiError api ? api : ApiError.planRejected("elastic plan " + artifact.id() + " cannot be applied: " + e.getMessage());
        }
    }

    /**
     * A plan id hashes the unit order, not the ladder, and rung moves name the plan by id: were another ladder served
     * under the id served now, the agent's rungs would mean other levels than it verified.
     */
    private static void requireSameLadderIfServed(String planId, Ladder ladder, ModelVersions versions) {
        ModelVersion current = versions == null ? null : versions.current();
        if (current != null && current.id().equals(planId) && current.elastic() != null && !current.elastic().ladder().equals(ladder)) {
            throw ApiError.conflict("plan " + planId + " is served now with another ladder (" + current.elastic().ladder().size()
                    + " rungs, this artifact has " + ladder.size() + "); a plan id names its unit order, not its ladder: load it"
                    + " after another plan, or build it again");
        }
    }
}
