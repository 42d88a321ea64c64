package dev.arborist.agent.control;

import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.UnitOrder;
import dev.arborist.events.ModelUpdate;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.nn.Level;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.Rung;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PlanFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plan the agent published, with what deciding needs of it: the announcement (plan, uri, hashes,
 * the rung last published), the ladder as the controller sees it (quality as verified before
 * publishing, batch-8 decode speed-up), each rung's level and estimated decode cost relative to
 * dense, and where its units sit in the base model.
 */
public record ServedPlan(ModelUpdate update, List<Rung> rungs, List<Level> levels, List<Double> costs, UnitOrder order) {

    public ServedPlan {
        rungs = List.copyOf(rungs);
        levels = List.copyOf(levels);
        costs = List.copyOf(costs);
    }

    /** A freshly built artifact, announced by {@code update}. */
    public static ServedPlan of(ModelUpdate update, ElasticArtifact artifact, ModelConfig config) {
        List<Level> levels = artifact.plan().ladder().rungs().stream().map(dev.arborist.policies.elastic.Rung::level).toList();
        UnitOrder order = UnitOrder.of(artifact.plan().permutation(), TrafficShape.of(config), config.numKvHeads());
        return new ServedPlan(update, rungsOf(artifact), levels, costsOf(artifact), order);
    }

    /** Each rung's estimated decode cost relative to dense, as the ladder builder estimated it (deterministic, unlike measured speed-ups). */
    public static List<Double> costsOf(ElasticArtifact artifact) {
        return artifact.plan().ladder().rungs().stream().map(r -> r.index() == 0 ? 1.0 : r.relativeCost()).toList();
    }

    /** The estimated decode cost of an artifact's cheapest rung within {@code maxPerplexityRatio} (verified quality); 1 for dense. */
    public static double cheapestCost(ElasticArtifact artifact, double maxPerplexityRatio) {
        List<Rung> rungs = rungsOf(artifact);
        List<Double> costs = costsOf(artifact);
        double cheapest = 1;
        for (int i = 1; i < rungs.size(); i++) {
            if (rungs.get(i).perplexityRatio() <= maxPerplexityRatio) {
                cheapest = Math.min(cheapest, costs.get(i));
            }
        }
        return cheapest;
    }

    /** An artifact's ladder as the controller sees it: quality as verified before publishing, batch-8 decode speed-up. */
    public static List<Rung> rungsOf(ElasticArtifact artifact) {
        Map<String, Double> quality = artifact.manifest().quality();
        List<Rung> rungs = new ArrayList<>();
        for (dev.arborist.policies.elastic.Rung r : artifact.plan().ladder().rungs()) {
            double ratio = r.index() == 0 ? 1 : quality.getOrDefault("rung_" + r.index() + "_quality_ratio", r.perplexityRatio());
            rungs.add(new Rung(r.index(), ratio, r.index() == 0 ? 1 : r.decodeSpeedupBatch8()));
        }
        return rungs;
    }

    /**
     * Reads the announced artifact back from the store (after a restart), checking every file's
     * sha256 and that it is the artifact the update named.
     *
     * @throws dev.arborist.policies.plan.PlanFormatException when it is missing or changed
     */
    public static ServedPlan read(ModelUpdate update, LanguageModel base) {
        ElasticArtifact artifact = ElasticArtifact.read(update.localPath(), base);
        if (!artifact.id().equals(update.planId()) || !update.sha256().equals(artifact.manifest().files().get(PlanArtifact.PLAN_FILE))) {
            throw new PlanFormatException(update.uri() + " holds plan " + artifact.id() + ", not the announced "
                    + update.planId());
        }
        return of(update, artifact, base.config());
    }

    public String planId() {
        return update.planId();
    }

    /** The rung last published (0 when the update named none). */
    public int rung() {
        return update.rung() == null ? 0 : update.rung();
    }

    public Level level() {
        return levels.get(rung());
    }

    /** The per-input policy table announced with the plan; an empty one (all at the base rung) when none was. */
    public PolicyTable policy() {
        return update.policy() == null ? new PolicyTable(0, List.of()) : PolicyTable.fromJson(update.policy().toString());
    }

    /** This plan announced at another rung. */
    public ServedPlan at(ModelUpdate moved) {
        return new ServedPlan(moved, rungs, levels, costs, order);
    }
}
