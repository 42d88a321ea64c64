package dev.arborist.agent.plan;

import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.Ladder;
import dev.arborist.policies.elastic.LadderBuilder;
import dev.arborist.policies.elastic.LadderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, verifies and stores one elastic plan: importance order from the statistics over the
 * DENSE base weights (never a pruned copy, so units trimmed earlier compete again and come back
 * when traffic needs them), the ladder measured by {@link LadderBuilder}, every rung checked by
 * {@link PlanVerifier}, rungs beyond the budget dropped, and the artifact (permutation, ladder.json,
 * sha256 manifest with the verified ratios) written atomically.
 */
public final class PlanBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(PlanBuilder.class);

    private final LanguageModel base;
    private final LadderSettings settings;
    private final EvalText text;
    private final CalibrationSet calibration; // null: builds need live statistics
    private final PlanVerifier verifier;

    public PlanBuilder(LanguageModel base, LadderSettings settings, EvalText text, CalibrationSet calibration, PlanVerifier verifier) {
        this.base = base;
        this.settings = settings;
        this.text = text;
        this.calibration = calibration;
        this.verifier = verifier;
    }

    public boolean canBuildWithoutTraffic() {
        return calibration != null;
    }

    /** Tokens the calibration pass reads; 0 without calibration text. */
    public long calibrationTokens() {
        return calibration == null ? 0 : (long) calibration.count() * calibration.length();
    }

    /** @param checkpoint run between the build's steps (the ladder search's, before verifying): it may hold the build there */
    public BuildResult build(BuildRequest request, Runnable checkpoint) {
        try {
            LadderBuilder ladder = new LadderBuilder(settings, (done, total) -> checkpoint.run());
            ElasticPlan plan = request.statistics() != null ? ladder.build(base, request.statistics(), text.search())
                    : ladder.build(base, requireCalibration(), text.search());
            checkpoint.run();
            Verification v = verifier.verify(plan, request.recentPrompts());
            int usable = v.usableRungs();
            if (usable < 2) {
                return new BuildResult.Rejected(request, rejection(plan, v), v);
            }
            if (usable < plan.ladder().size()) {
                LOG.info("verification dropped rungs {}..{}: {}", usable, plan.ladder().size() - 1, v.firstFailure());
            }
            ElasticPlan verified = new ElasticPlan(plan.permutation(), plan.layerSkipOrder(), new Ladder(plan.ladder().rungs().subList(0, usable)));
            ElasticArtifact artifact = ElasticArtifact.write(request.dir(), verified, base, v.manifestQuality());
            return new BuildResult.Built(request, artifact, v);
        } catch (RuntimeException e) {
            return new BuildResult.Failed(request, e);
        }
    }

    private CalibrationSet requireCalibration() {
        if (calibration == null) {
            throw new IllegalStateException("no live statistics and no calibration text to build a plan from");
        }
        return calibration;
    }

    private static String rejection(ElasticPlan plan, Verification v) {
        if (plan.ladder().size() < 2) {
            return "the ladder search found no level within the budget: only the dense rung";
        }
        return v.rungs().get(1).failure();
    }
}
