package dev.arborist.policies.elastic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.AtomicDirectory;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PlanFormatException;
import dev.arborist.policies.plan.PlanManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An elastic plan in the artifact store: a plan artifact (plan.safetensors holding the permutation,
 * manifest.json) plus ladder.json, which the manifest's sha256 list covers like every other file.
 * Reading checks the base model's fingerprint and every file's hash before parsing anything.
 */
public record ElasticArtifact(PlanManifest manifest, ElasticPlan plan) {
    public static final String LADDER_FILE = "ladder.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public String id() {
        return manifest.planId();
    }

    /**
     * @param base the dense model the plan was built from; must have been loaded from a directory
     * @param quality measurements for the manifest, e.g. {"dense_perplexity": 113.8}
     */
    public static ElasticArtifact write(Path dir, ElasticPlan plan, LanguageModel base, Map<String, Double> quality) {
        plan.requireFits(base.config());
        return AtomicDirectory.create(dir, staging -> {
            JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(LADDER_FILE).toFile(),
                    LadderJson.encode(plan.ladder(), plan.layerSkipOrder()));
            PlanArtifact artifact = PlanArtifact.writeInto(staging, plan.permutation(), base, null, quality);
            return new ElasticArtifact(artifact.manifest(), plan);
        });
    }

    /** @throws PlanFormatException if the directory is not an elastic plan for {@code base}, or any file changed */
    public static ElasticArtifact read(Path dir, LanguageModel base) {
        PlanArtifact artifact = PlanArtifact.read(dir, base);
        if (!artifact.manifest().files().containsKey(LADDER_FILE)) {
            throw new PlanFormatException(dir + " is a plan but not an elastic plan: its manifest does not list " + LADDER_FILE);
        }
        Path file = dir.resolve(LADDER_FILE);
        try {
            JsonNode json = JSON.readTree(file.toFile());
            ElasticPlan plan = new ElasticPlan(artifact.plan(), LadderJson.layerSkipOrder(json), LadderJson.ladder(json));
            return new ElasticArtifact(artifact.manifest(), plan.requireFits(base.config()));
        } catch (IOException e) {
            throw new PlanFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PlanFormatException(file + ": " + e.getMessage(), e);
        }
    }
}
