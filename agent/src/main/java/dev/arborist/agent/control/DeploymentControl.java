package dev.arborist.agent.control;

import dev.arborist.agent.metrics.AgentMetrics;
import dev.arborist.agent.plan.BuildRequest;
import dev.arborist.agent.plan.BuildResult;
import dev.arborist.agent.plan.PlanWorker;
import dev.arborist.agent.window.DeploymentTelemetry;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.UnitOrder;
import dev.arborist.agent.window.WindowStats;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.control.ControlDecision;
import dev.arborist.policies.control.Controller;
import dev.arborist.policies.control.DriftDetector;
import dev.arborist.policies.control.DriftReport;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.control.WindowSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop of one deployment, run once per closed window: record what the window saw,
 * look for drift, follow the last publish, then let the {@link Controller} move along the ladder.
 * Plan builds are handed to the {@link PlanWorker} and their results come back through
 * {@link #onBuild}. Every publication goes through the {@link Announcer}. Consumer thread only.
 */
public final class DeploymentControl {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentControl.class);
    private static final int HISTORY = 64;
    /** Windows to wait after a build that published nothing: the same traffic would give the same result. */
    static final int BUILD_BACKOFF_WINDOWS = 10;
    /** How long the cost of a rung the deployment ran counts as needed by a replacement ladder: longer than a load peak lasts. */
    public static final Duration REACH_HORIZON = Duration.ofMinutes(5);

    private final SloSpec spec;
    private final AgentMetrics metrics;
    private final DeploymentTelemetry telemetry;
    private final PlanWorker worker;
    private final Announcer announcer;
    private final Rollout rollout;
    private final DriftTracker drift;
    private final EffectWatcher watcher;
    private final InputPolicy inputPolicy;
    private final ShadowReading shadowReading = new ShadowReading();
    private final RungQuality rungQuality = new RungQuality();
    private final ReachMemory reach = new ReachMemory(REACH_HORIZON);
    private final double minBuildTokens;
    private int windowsUntilBuild; // > 0 after a build that published nothing
    private WindowStats lastEvidence; // the latest window the controller took as evidence: the basis of the next watch
    private BuildResult.Built waiting; // a verified replacement held back while it would move the deployment off its rung
    private final Deque<WindowStats> history = new ArrayDeque<>(); // read by other threads: guarded by itself

    private DeploymentControl(SloSpec spec, AgentMetrics metrics, DeploymentTelemetry telemetry, PlanWorker worker, Announcer announcer,
                      Rollout rollout, DriftTracker drift, EffectWatcher watcher, double minBuildTokens) {
        this.spec = spec;
        this.metrics = metrics;
        this.telemetry = telemetry;
        this.worker = worker;
        this.announcer = announcer;
        this.rollout = rollout;
        this.drift = drift;
        this.watcher = watcher;
        this.inputPolicy = new InputPolicy(spec);
        this.minBuildTokens = minBuildTokens;
    }

    /**
     * Wires a deployment's control loop, resumed from {@code restored} when given.
     *
     * @param plansDir where artifacts are written (one directory per build)
     */
    public static DeploymentControl create(SloSpec spec, LanguageModel base, Path plansDir, AgentMetrics metrics,
                                           DeploymentTelemetry telemetry, PlanWorker worker, DriftDetector detector, long driftSampleTokens,
                                           double minBuildTokens, ControlState restored) {
        Announcer announcer = new Announcer(spec.deployment(), restored == null ? 0 : restored.sequence());
        EffectWatcher watcher = new EffectWatcher(spec, restored == null ? null : restored.watch());
        Rollout rollout = new Rollout(spec.deployment(), spec, base, plansDir, metrics, announcer, watcher);
        rollout.restore(restored == null ? null : restored.rollout());
        DriftTracker drift = new DriftTracker(detector, TrafficShape.of(base.config()), driftSampleTokens);
        drift.restore(restored == null ? null : restored.drift(), rollout.current());
        DeploymentControl c = new DeploymentControl(spec, metrics, telemetry, worker, announcer, rollout, drift, watcher, minBuildTokens);
        c.lastEvidence = restored == null ? null : restored.lastEvidence();
        c.rungQuality.restore(restored == null ? null : restored.rungQuality());
        c.reach.restore(restored == null ? null : restored.reach());
        return c;
    }

    /** One closed window. */
    public void onWindow(WindowStats w, Instant now) {
        remember(w);
        metrics.observed(w);
        Double shadow = shadowReading.add(w);
        if (shadow != null) {
            metrics.shadowQuality(shadow);
        }
        // Sampled statistics of a few tokens are mostly noise: windows accumulate until they hold enough to compare.
        DriftReport report = null;
        if (drift.ready(telemetry.recent())) {
            long tokens = telemetry.recent().sampledTokens();
            report = drift.observe(telemetry.recent());
            telemetry.resetRecent();
            LOG.debug("drift check over {} sampled tokens: expert-usage JS {} bits (noise {}), channel-norm shift {} (noise {}), {} over",
                    tokens, format(report.score()), format(report.scoreNoise()), format(report.normShift()), format(report.normShiftNoise()),
                    report.windowsOver());
        }
        if (report != null && report.score() != null) {
            metrics.driftScore(report.score());
        }
        metrics.expertUsage(telemetry.traffic().statistics().expertUsage());
        metrics.statisticsTokens(telemetry.traffic().sampledTokens());
        WindowSummary summary = summary(w);
        // spare capacity is what a calm window shows: on a sparse rung, headroom was bought with quality
        boolean calm = rollout.hasPlan() && rollout.current().rung() == 0 && spec.headroomIn(summary);
        worker.pacer().allow(w.requests() == 0 || calm);
        maybeBuild(report, w.requests() > 0 && spec.violatedBy(summary), calm);
        metrics.buildState(worker.busy(), worker.pacer().holding());
        if (!rollout.hasPlan()) {
            metrics.decision("hold");
            return;
        }
        ranAt(w);
        EffectWatcher.Report effect = watcher.onWindow(w);
        if (effect != null && rollout.measured(effect, now)) {
            drift.served(rollout.current());
            return; // the plan regressed and was rolled back: this window says nothing more
        }
        if (waiting != null && holdReason(waiting, now) == null) {
            publish(waiting, now);
            return; // the new ladder's windows start now
        }
        ServedPlan current = rollout.current();
        telemetry.inputs().follow(current.planId());
        if (!current.planId().equals(w.dominantPlan())) {
            metrics.decision("hold"); // serving has not switched to the announced plan yet
            return;
        }
        ControlDecision d = qualityRegressed(w, now);
        if (d == null) {
            d = rollout.controller().decide(summary, now);
        }
        if (d.moves()) {
            rollout.move(d, lastEvidence, now);
            drift.served(rollout.current()); // compare over the units the new level runs
        } else if (!announcePolicy(now)) {
            metrics.decision("hold");
        }
        if (w.dominantRung() == rollout.current().rung() && w.requests() >= spec.minRequests()) {
            lastEvidence = w;
        }
    }

    /** Remembers the estimated cost of the rung a window with traffic ran, when it ran the plan served now. */
    private void ranAt(WindowStats w) {
        ServedPlan current = rollout.current();
        if (w.requests() > 0 && current.planId().equals(w.dominantPlan()) && w.dominantRung() < current.costs().size()) {
            reach.ran(w.end(), current.costs().get(w.dominantRung()));
        }
    }

    private void remember(WindowStats w) {
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(w);
        }
    }

    /** The last closed windows, oldest first (at most {@value #HISTORY}); safe from any thread. */
    public List<WindowStats> recentWindows() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** @return whether a new per-input policy table went out with the plan served */
    private boolean announcePolicy(Instant now) {
        PolicyTable table = inputPolicy.due(rollout.current(), telemetry.inputs(), now);
        if (table == null) {
            return false;
        }
        rollout.policy(table, inputPolicy.reason(table, telemetry.inputs().profiled()), now);
        return true;
    }

    /** The live shadow signal of the current rung, pooled since the move to it, exceeds the budget: the controller steps back. */
    private ControlDecision qualityRegressed(WindowStats w, Instant now) {
        int rung = rollout.current().rung();
        Double measured = rungQuality.overBudget(rollout.current().planId(), rung, w, spec.maxPerplexityRatio());
        if (rung == 0 || measured == null) {
            return null;
        }
        ControlDecision d = rollout.controller().qualityRegressed(measured, now);
        return d.moves() ? d : null;
    }

    /**
     * Starts a build when there is no plan yet, when drift is confirmed, or when the plan came from
     * calibration text and live statistics now hold as many tokens as its calibration pass. A rebuild
     * waits while the SLO is violated: it would change the ladder under the controller while it is
     * moving along it (and, where the agent shares cores with serving, take them from a server that is
     * already behind); drift that persists is confirmed again after. Replacing a calibration plan is
     * not urgent, so it waits for a calm window: dense and with headroom. In the control bench it
     * otherwise started as the load doubled and, sharing the two cores, held serving over its SLO.
     * Once started it still runs only in calm windows ({@link dev.arborist.agent.plan.BuildPacer}).
     *
     * @param calm the last window ran dense with headroom
     */
    private void maybeBuild(DriftReport report, boolean sloViolated, boolean calm) {
        if (windowsUntilBuild > 0) {
            windowsUntilBuild--;
        }
        if (worker.busy() || windowsUntilBuild > 0) {
            return;
        }
        double sampled = telemetry.traffic().sampledTokens();
        boolean enoughTraffic = sampled >= minBuildTokens;
        // Where there is calibration text, live statistics count only once they hold as many tokens as its pass: channel
        // ranks from a few hundred tokens are noise (in the control bench such a plan's +7.5% rung kept 12% sparsity where
        // the calibration plan's kept 30%).
        boolean richerThanCalibration = enoughTraffic && sampled >= worker.calibrationTokens();
        boolean fromLive = enoughTraffic;
        String reason = null;
        boolean urgent = true;
        if (!rollout.hasPlan() && (richerThanCalibration || worker.canBuildWithoutTraffic())) {
            fromLive = richerThanCalibration;
            reason = fromLive ? "initial plan from live statistics" : "initial plan from the calibration text ("
                    + (enoughTraffic ? "fewer live tokens than it holds" : "no live statistics yet") + ")";
        } else if (rollout.hasPlan() && rollout.fromCalibration() && richerThanCalibration && calm && waiting == null) {
            reason = "live statistics replace the calibration text";
            urgent = false;
        } else if (rollout.hasPlan() && report != null && report.drifted() && enoughTraffic) {
            reason = String.format(Locale.ROOT, "drift: expert-usage JS %s bits, channel-norm shift %s over %d window(s)",
                    format(report.score()), format(report.normShift()), report.windowsOver());
        }
        if (reason == null) {
            return;
        }
        if (rollout.hasPlan() && sloViolated) {
            LOG.info("not building yet ({}): the last window violated the SLO", reason);
            return;
        }
        metrics.decision("rebuild");
        LOG.info("building a plan: {}", reason);
        worker.submit(new BuildRequest(reason, urgent, fromLive ? telemetry.traffic().statistics() : null,
                telemetry.prompts().stream(rollout.eosId()), rollout.nextBuildDir()));
    }

    /**
     * A build finished: publish it, or record why not. A replacement that is not urgent (live
     * statistics replacing the calibration text) waits while publishing it would move the deployment
     * off the rung it runs, or while its ladder cannot run as cheaply as the deployment has lately
     * had to ({@link ReachMemory}). In the control bench such a plan, built in a calm window, came back
     * under a doubled load one rung short and clamped the agent onto a rung the next burst broke; one
     * published between bursts left the controller no rung fast enough for the next. It goes out once
     * neither holds; a restart forgets it (the replacement is built again in a calm window).
     */
    public void onBuild(BuildResult result, Instant now) {
        if (result instanceof BuildResult.Built built && rollout.hasPlan() && built.artifact().id().equals(rollout.current().planId())) {
            // a plan's id hashes its unit order, not its ladder: serving would take this for the plan it runs and keep that ladder
            result = new BuildResult.Rejected(built.request(), "the same unit order as plan " + built.artifact().id() + ", served now: nothing"
                    + " to change", built.verification());
        }
        if (result instanceof BuildResult.Built built) {
            String why = built.request().urgent() ? null : holdReason(built, now);
            if (why != null) {
                waiting = built;
                rollout.waiting(built, why, now);
            } else {
                publish(built, now);
            }
        } else {
            rollout.rejected(result, now);
            windowsUntilBuild = BUILD_BACKOFF_WINDOWS;
        }
    }

    /** Why a replacement that is not urgent cannot go out now; null when it can. */
    private String holdReason(BuildResult.Built built, Instant now) {
        if (!rollout.hasPlan()) {
            return null;
        }
        String move = rollout.rungMove(built);
        return move != null ? move : reach.shortfall(ServedPlan.cheapestCost(built.artifact(), spec.maxPerplexityRatio()), now);
    }

    private void publish(BuildResult.Built built, Instant now) {
        waiting = null; // whatever waited is older
        rollout.publish(built, lastEvidence, now);
        telemetry.inputs().follow(rollout.current().planId()); // the new plan's requests from now on
        drift.rebase(built.request().statistics(), rollout.current());
    }

    /** The unit order of a plan this agent published (current or previous); null for any other. */
    public UnitOrder orderOf(String planId) {
        return rollout.orderOf(planId);
    }

    private static WindowSummary summary(WindowStats w) {
        return new WindowSummary(w.start(), w.end(), w.requests(), w.ttftP95(), w.itlP95(), w.e2eP95(), w.queueP95(), w.tokensPerSecond(),
                w.dominantRung());
    }

    private static String format(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Everything to resume this loop, for the snapshot. */
    public ControlState state() {
        return new ControlState(rollout.state(), drift.state(), watcher.current(), lastEvidence, announcer.sequence(), rungQuality.state(),
                reach.state());
    }

    /**
     * The sequence counter, the rollout, the drift reference, the watch, the served rung's shadow pool and the rung costs
     * run within the reach horizon as the snapshot holds them.
     */
    public record ControlState(Rollout.State rollout, DriftTracker.State drift, Watch watch, WindowStats lastEvidence, long sequence,
                               RungQuality.State rungQuality, List<ReachMemory.Ran> reach) {
    }

    /** What this loop has queued to publish. */
    public Announcer announcer() {
        return announcer;
    }
}
