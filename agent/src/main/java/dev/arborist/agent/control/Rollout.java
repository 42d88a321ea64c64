package dev.arborist.agent.control;

import dev.arborist.agent.metrics.AgentMetrics;
import dev.arborist.agent.plan.BuildResult;
import dev.arborist.agent.window.UnitOrder;
import dev.arborist.agent.window.WindowStats;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arborist.events.EventJson;
import dev.arborist.events.ModelUpdate;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.control.ControlDecision;
import dev.arborist.policies.control.Controller;
import dev.arborist.policies.control.ControllerState;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.Rung;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.plan.PlanArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the deployment is told to serve: the current plan and rung, the one before (for a plan
 * rollback), and the controller over the current plan's ladder. Every change is announced (a
 * model update plus a decision record) and starts a {@link Watch}. Rung moves publish the same
 * plan at another rung; only a build brings a new plan.
 */
final class Rollout {
    private static final Logger LOG = LoggerFactory.getLogger(Rollout.class);
    private final String deployment;
    private final SloSpec spec;
    private final LanguageModel base;
    private final Path plansDir;
    private final AgentMetrics metrics;
    private final Announcer announcer;
    private final EffectWatcher watcher;
    private Controller controller; // null until the first plan
    private ServedPlan current;
    private ServedPlan previous;
    private boolean fromCalibration;
    private long builds;

    Rollout(String deployment, SloSpec spec, LanguageModel base, Path plansDir, AgentMetrics metrics, Announcer announcer,
            EffectWatcher watcher) {
        this.deployment = deployment;
        this.spec = spec;
        this.base = base;
        this.plansDir = plansDir;
        this.metrics = metrics;
        this.announcer = announcer;
        this.watcher = watcher;
        metrics.qualityBudget(spec.maxPerplexityRatio());
    }

    boolean hasPlan() {
        return current != null;
    }

    ServedPlan current() {
        return current;
    }

    Controller controller() {
        return controller;
    }

    boolean fromCalibration() {
        return fromCalibration;
    }

    int eosId() {
        return base.config().eosTokenId();
    }

    /** A fresh directory name in the store for the next artifact. */
    Path nextBuildDir() {
        Path dir;
        do {
            dir = plansDir.resolve(deployment + "-" + (++builds));
        } while (Files.exists(dir));
        return dir;
    }

    UnitOrder orderOf(String planId) {
        if (current != null && current.planId().equals(planId)) {
            return current.order();
        }
        return previous != null && previous.planId().equals(planId) ? previous.order() : null;
    }

    /** Announces a verified plan at the rung the controller keeps (0 for the first plan). */
    void publish(BuildResult.Built built, WindowStats basis, Instant now) {
        ElasticArtifact artifact = built.artifact();
        ModelUpdate announced = new ModelUpdate(deployment, artifact.id(), built.request().dir().toAbsolutePath().toString(),
                artifact.manifest().files().get(PlanArtifact.PLAN_FILE), artifact.manifest().baseModel(), built.request().reason(), 0);
        ServedPlan fresh = ServedPlan.of(announced, artifact, base.config());
        int from = current == null ? 0 : current.rung();
        if (controller == null) {
            controller = new Controller(spec, fresh.rungs());
        } else {
            controller.ladderChanged(fresh.rungs());
        }
        int to = controller.currentRung();
        // the classes the table in force sends sparser keep their rungs (the new ladder's rungs have the same budgets)
        ModelUpdate update = fresh.update().atRung(to, built.request().reason())
                .withPolicy(current == null ? null : json(current.policy().clampedTo(fresh.rungs().size())), built.request().reason());
        Rung target = fresh.rungs().get(to);
        long seq = announcer.announce(new Announcer.Announcement("rebuild", artifact.id(), built.request().reason() + "; "
                + verifiedRungs(built), from, to, observed(built), Map.of("perplexity_ratio",
                target.perplexityRatio(), "decode_speedup", target.decodeSpeedup()), target.perplexityRatio(), update), now);
        previous = current;
        current = fresh.at(update.withSequence(seq));
        fromCalibration = built.request().statistics() == null;
        metrics.planBuild("published");
        LOG.info("published plan {} ({} verified rungs, serving rung {}): {}", artifact.id(), fresh.rungs().size(), to,
                built.request().reason());
        startWatch(seq, "rebuild", from, basis, previous == null ? null : previous.update(), now);
    }

    /**
     * Why publishing {@code built} now would move the deployment off the rung it runs (its ladder
     * ends before that rung, or the rung is over the budget there); null when it would not.
     */
    String rungMove(BuildResult.Built built) {
        if (controller == null) {
            return null;
        }
        int rung = controller.currentRung();
        int kept = controller.rungKeptOn(ServedPlan.rungsOf(built.artifact()));
        return kept == rung ? null : String.format(Locale.ROOT, "published now it would move the deployment from rung %d to rung %d, so it"
                + " goes out once the deployment runs rung %d or denser", rung, kept, kept);
    }

    /** Records a verified plan that is held back, and {@code why}. */
    void waiting(BuildResult.Built built, String why, Instant now) {
        int rung = current.rung();
        String reason = String.format(Locale.ROOT, "%s; plan %s, %s, waits: %s", built.request().reason(), built.artifact().id(),
                verifiedRungs(built), why);
        // no plan id: the record publishes nothing (the plan's own record follows when it goes out)
        announcer.announce(new Announcer.Announcement("rebuild", null, reason, rung, rung, observed(built), Map.of(), null, null), now);
        LOG.info("{}", reason);
    }

    private static String verifiedRungs(BuildResult.Built built) {
        String failure = built.verification().firstFailure();
        return built.artifact().plan().ladder().size() + " verified rungs" + (failure == null ? "" : " (" + failure + ")");
    }

    /** A build that produced nothing to publish is recorded, not retried at once. */
    void rejected(BuildResult result, Instant now) {
        String reason = result instanceof BuildResult.Rejected r ? "plan rejected: " + r.reason()
                : "plan build failed: " + ((BuildResult.Failed) result).error();
        int rung = current == null ? 0 : current.rung();
        announcer.announce(new Announcer.Announcement("rebuild", null, result.request().reason() + "; " + reason, rung, rung, Map.of(), Map.of(),
                null, null), now);
        metrics.planBuild("rejected");
        if (result instanceof BuildResult.Failed f) {
            LOG.warn("plan build failed ({})", result.request().reason(), f.error());
        } else {
            LOG.warn("{}", reason);
        }
    }

    /** Publishes the controller's move: the same plan at another rung. */
    void move(ControlDecision d, WindowStats basis, Instant now) {
        String action = d.action().wireName();
        ModelUpdate update = current.update().atRung(d.toRung(), d.reason());
        Rung target = current.rungs().get(d.toRung());
        long seq = announcer.announce(new Announcer.Announcement(action, current.planId(), d.reason(), d.fromRung(), d.toRung(), d.observed(),
                d.expected(), target.perplexityRatio(), update), now);
        current = current.at(update.withSequence(seq));
        metrics.decision(action);
        startWatch(seq, action, d.fromRung(), basis, null, now);
    }

    /**
     * Announces a per-input policy table with the plan served, at the same rung: classes it names
     * run sparser than the base rung from the next step on. Not watched: it moves only classes whose
     * cost was measured before, and the base rung's moves are judged as before.
     */
    void policy(PolicyTable table, String reason, Instant now) {
        ModelUpdate update = current.update().withPolicy(json(table), reason);
        Rung rung = current.rungs().get(current.rung());
        long seq = announcer.announce(new Announcer.Announcement("policy", current.planId(), reason, current.rung(), current.rung(),
                Map.of("policy_classes", (double) table.entries().size()), Map.of(), rung.perplexityRatio(), update), now);
        current = current.at(update.withSequence(seq));
        metrics.decision("policy");
        LOG.info("{}", reason);
    }

    private static JsonNode json(PolicyTable table) {
        try {
            return EventJson.mapper().readTree(table.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy table's JSON always parses", e);
        }
    }

    /**
     * Records a watch's measured effect; a new plan that regressed is rolled back to the previous
     * one at its rung.
     *
     * @return whether it rolled back
     */
    boolean measured(EffectWatcher.Report r, Instant now) {
        String reason = r.regression() == null ? "measured effect" : "measured effect: " + r.regression();
        announcer.measured(r.watch(), r.measured(), reason, now);
        if (r.regression() == null || previous == null || !previous.planId().equals(r.watch().fallback().planId())) {
            return false;
        }
        ServedPlan back = previous;
        int from = current.rung();
        controller.ladderChanged(back.rungs());
        controller.adopt(back.rung());
        ModelUpdate update = back.update().atRung(back.rung(), "rollback: " + r.regression());
        long seq = announcer.announce(new Announcer.Announcement("rollback", back.planId(), update.reason(), from, back.rung(), r.measured(),
                Map.of("perplexity_ratio", back.rungs().get(back.rung()).perplexityRatio()), back.rungs().get(back.rung()).perplexityRatio(),
                update), now);
        previous = null; // never back to the plan that regressed
        current = back.at(update.withSequence(seq));
        metrics.decision("rollback");
        startWatch(seq, "rollback", from, null, null, now);
        return true;
    }

    private void startWatch(long seq, String action, int from, WindowStats basis, ModelUpdate fallback, Instant now) {
        EffectWatcher.Report replaced = watcher.replace(new Watch(seq, action, current.planId(), from, current.rung(), now.toEpochMilli(),
                basis == null ? null : Watch.Effect.of(basis), fallback, Watch.Effect.NONE, 0));
        if (replaced != null) {
            announcer.measured(replaced.watch(), replaced.measured(), "measured effect (cut short by the next decision)", now);
        }
        metrics.served(current.rung(), LevelSparsity.of(base.config(), current.level()), current.rungs().get(current.rung()).perplexityRatio());
    }

    private static Map<String, Double> observed(BuildResult.Built built) {
        Map<String, Double> o = new LinkedHashMap<>();
        if (built.request().statistics() != null) {
            o.put("sampled_tokens", built.request().statistics().sampledTokens());
        }
        o.put("dense_perplexity", built.verification().densePerplexity());
        return o;
    }

    /** The plans announced, the controller's memory and the build counter, for the snapshot. */
    public record State(String controller, ModelUpdate current, ModelUpdate previous, boolean fromCalibration, long builds) {
    }

    State state() {
        return new State(controller == null ? null : controller.state().toJson(), current == null ? null : current.update(),
                previous == null ? null : previous.update(), fromCalibration, builds);
    }

    /**
     * Resumes from a snapshot: the announced artifacts are read back from the store (sha256 checked).
     * A current plan that cannot be read is dropped with its controller, so a new one gets built.
     */
    void restore(State s) {
        if (s == null) {
            return;
        }
        builds = s.builds();
        fromCalibration = s.fromCalibration();
        current = readOrNull(s.current());
        previous = current == null ? null : readOrNull(s.previous());
        if (current == null) {
            return;
        }
        ControllerState state;
        try {
            state = s.controller() == null ? ControllerState.startingAt(current.rung()) : ControllerState.fromJson(s.controller());
            controller = new Controller(spec, current.rungs(), state);
        } catch (IllegalArgumentException e) {
            LOG.warn("controller snapshot not usable ({}); starting it afresh at rung {}", e.getMessage(), current.rung());
            controller = new Controller(spec, current.rungs(), ControllerState.startingAt(current.rung()));
        }
        metrics.served(current.rung(), LevelSparsity.of(base.config(), current.level()), current.rungs().get(current.rung()).perplexityRatio());
    }

    private ServedPlan readOrNull(ModelUpdate update) {
        if (update == null) {
            return null;
        }
        try {
            return ServedPlan.read(update, base);
        } catch (RuntimeException e) {
            LOG.warn("plan {} in the snapshot cannot be read back from {}: {}", update.planId(), update.uri(), e.getMessage());
            return null;
        }
    }
}
