package dev.arborist.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.agent.consume.TelemetryConsumer;
import dev.arborist.agent.control.DeploymentControl;
import dev.arborist.agent.control.ServedPlan;
import dev.arborist.agent.metrics.AgentMetrics;
import dev.arborist.agent.plan.BuildRequest;
import dev.arborist.agent.plan.BuildResult;
import dev.arborist.agent.plan.EvalText;
import dev.arborist.agent.plan.PlanBuilder;
import dev.arborist.agent.plan.PlanVerifier;
import dev.arborist.agent.plan.PlanWorker;
import dev.arborist.agent.publish.Pending;
import dev.arborist.agent.window.DecayedTraffic;
import dev.arborist.agent.window.DeploymentTelemetry;
import dev.arborist.agent.window.PromptSample;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.WindowStats;
import dev.arborist.agent.window.Windows;
import dev.arborist.events.Decision;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.control.DriftDetector;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the control loop does with a finished build, handed to it directly (no broker): real plans of
 * the bundled model (the tiny random one's ladders collapse to two rungs), hand-made windows.
 */
class FinishedBuildTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SloSpec SLO = AgentFixture.slo(1.0);

    @TempDir
    static Path dir;
    @TempDir
    Path store;

    private static LanguageModel base;
    private static PlanBuilder builder;
    private static BuildResult.Built threeRungs;
    private static BuildResult.Built replacement;
    private static BuildResult.Built drift;
    private static BuildResult.Built sameOrder;

    private DeploymentControl control;
    private final List<Decision> rebuilds = new ArrayList<>();
    private final List<ModelUpdate> updates = new ArrayList<>();
    private Instant clock = T0;

    @BeforeAll
    static void buildPlans() throws Exception {
        base = LanguageModel.load(MODEL);
        try (HfTokenizer tokenizer = HfTokenizer.load(MODEL.resolve("tokenizer.json"))) {
            EvalText text = EvalText.split(TokenizedText.read(MODEL.resolve("eval.txt"), tokenizer), 32);
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(MODEL.resolve("calib.txt"), tokenizer), 16, 32);
            PlanVerifier verifier = new PlanVerifier(base, text.heldOut(), 32, 2, SLO.maxPerplexityRatio());
            builder = new PlanBuilder(base, ladder(List.of(0.05, 0.2)), text, calibration, verifier);
            threeRungs = build(builder, "initial plan from the calibration text", true, "first");
            sameOrder = build(new PlanBuilder(base, ladder(List.of(0.05)), text, calibration, verifier), "drift: expert-usage JS 0.2 bits", true,
                    "same-order");
            // other text or windows, other unit orders: each plan gets an id of its own (the id hashes the unit order, not the ladder);
            // ranked on the text it is verified on, a plan would prune as far at 5% as the first plan's rung 2 does at 20%
            CalibrationSet fewer = CalibrationSet.fromTokens(TokenizedText.read(MODEL.resolve("calib.txt"), tokenizer), 8, 32);
            replacement = build(new PlanBuilder(base, ladder(List.of(0.05)), text, fewer, verifier), "live statistics replace the calibration text",
                    false, "replacement");
            CalibrationSet shifted = CalibrationSet.fromTokens(TokenizedText.read(MODEL.resolve("eval.txt"), tokenizer), 8, 32);
            drift = build(new PlanBuilder(base, ladder(List.of(0.05)), text, shifted, verifier), "drift: expert-usage JS 0.3 bits", true, "drift");
        }
        assertThat(threeRungs.artifact().plan().ladder().size()).isEqualTo(3);
        assertThat(replacement.artifact().plan().ladder().size()).isEqualTo(2);
        assertThat(drift.artifact().plan().ladder().size()).isEqualTo(2);
        assertThat(sameOrder.artifact().id()).isEqualTo(threeRungs.artifact().id());
        assertThat(List.of(threeRungs.artifact().id(), replacement.artifact().id(), drift.artifact().id())).doesNotHaveDuplicates();
        assertThat(replacementCost()).as("the replacement's 5%-budget ladder stays clearly dearer than the first plan's 20% rung")
                .isGreaterThan(1.1 * rungCost(threeRungs, 2));
    }

    @AfterAll
    static void closeModel() {
        base.close();
    }

    @Test
    @DisplayName("a replacement one rung short of the rung in use waits, and goes out at the rung the controller is on once that is within the"
            + " replacement's ladder and no window has run a rung cheaper than it reaches for the horizon")
    void shortReplacementWaitsForTheRungInUse() {
        try (PlanWorker worker = atSparsestRung()) {
            String firstPlan = threeRungs.artifact().id();
            control.onBuild(replacement, clock);
            drain();
            assertThat(lastUpdate().planId()).as("nothing published while it would move the deployment off rung 2").isEqualTo(firstPlan);
            Decision waits = rebuilds.get(rebuilds.size() - 1);
            assertThat(waits.planId()).as("the record publishes no plan").isNull();
            assertThat(waits.reason()).contains("plan " + replacement.artifact().id() + ", 2 verified rungs", "waits: published now it would"
                    + " move the deployment from rung 2 to rung 1, so it goes out once the deployment runs rung 1 or denser");

            for (int i = 0; i < 8; i++) { // the violations go on: rung 2 stays, the replacement waits
                window(firstPlan, 2, 5.0);
            }
            assertThat(lastUpdate().planId()).isEqualTo(firstPlan);
            assertThat(lastRung()).isEqualTo(2);

            Instant lastOnRung2 = clock;
            while (lastUpdate().planId().equals(firstPlan)) { // headroom brings the controller back denser, then the replacement goes out
                boolean onRung2 = lastRung() == 2;
                window(firstPlan, lastRung(), 0.1);
                lastOnRung2 = onRung2 ? clock : lastOnRung2;
                assertThat(clock).as("the replacement went out").isBefore(T0.plus(DeploymentControl.REACH_HORIZON).plusSeconds(300));
            }
            assertThat(lastUpdate().planId()).isEqualTo(replacement.artifact().id());
            assertThat(clock).as("not while a window within the horizon ran rung 2, cheaper than the replacement reaches")
                    .isAfterOrEqualTo(lastOnRung2.plus(DeploymentControl.REACH_HORIZON));
            Decision published = rebuilds.get(rebuilds.size() - 1);
            assertThat(published.planId()).isEqualTo(replacement.artifact().id());
            assertThat(published.toRung()).as("published at the rung the controller had reached, not clamped").isEqualTo(published.fromRung());
        }
    }

    @Test
    @DisplayName("a replacement whose ladder would keep the rung in use but cannot run as cheaply as the deployment ran lately waits for the"
            + " horizon, and its record says why")
    void replacementDearerThanTheRungsInUseWaits() {
        try (PlanWorker worker = atSparsestRung()) {
            String firstPlan = threeRungs.artifact().id();
            while (lastRung() > 0) { // headroom: back to dense before the replacement comes
                window(firstPlan, lastRung(), 0.1);
                assertThat(clock).as("back to dense").isBefore(T0.plusSeconds(300));
            }
            Instant lastSparse = clock;
            control.onBuild(replacement, clock);
            drain();
            assertThat(lastUpdate().planId()).isEqualTo(firstPlan);
            assertThat(rebuilds.get(rebuilds.size() - 1).reason()).contains("plan " + replacement.artifact().id(),
                    String.format(Locale.ROOT, "waits: its cheapest rung within budget costs %.3f of a dense decode step (estimated), and the deployment"
                            + " ran at %.3f within the last %d s", replacementCost(), rungCost(threeRungs, 2), DeploymentControl.REACH_HORIZON.toSeconds()));
            while (lastUpdate().planId().equals(firstPlan)) {
                window(firstPlan, 0, 0.1);
                assertThat(clock).as("the replacement went out").isBefore(lastSparse.plus(DeploymentControl.REACH_HORIZON).plusSeconds(60));
            }
            assertThat(clock).isAfter(lastSparse.plus(DeploymentControl.REACH_HORIZON).minusSeconds(60));
            assertThat(lastRung()).isZero();
        }
    }

    @Test
    @DisplayName("an urgent plan (a drift rebuild) goes out at once and clamps, and a replacement waiting before it is dropped")
    void urgentPlansGoOutAtOnce() {
        try (PlanWorker worker = atSparsestRung()) {
            control.onBuild(replacement, clock);
            control.onBuild(drift, clock);
            drain();
            assertThat(lastUpdate().planId()).isEqualTo(drift.artifact().id());
            assertThat(lastRung()).as("clamped to the sparsest rung of its ladder").isEqualTo(1);

            for (int i = 0; i < 40; i++) { // headroom: the controller goes dense, where the dropped replacement would fit
                window(drift.artifact().id(), lastRung(), 0.1);
            }
            assertThat(lastRung()).isZero();
            assertThat(updates).extracting(ModelUpdate::planId).doesNotContain(replacement.artifact().id());
        }
    }

    @Test
    @DisplayName("a build with the unit order of the plan served is rejected, not published: a plan's id hashes its unit order, so serving would"
            + " take it for the plan it runs and keep that ladder")
    void sameUnitOrderIsNotPublished() {
        try (PlanWorker worker = atSparsestRung()) {
            int published = updates.size();
            control.onBuild(sameOrder, clock);
            drain();
            assertThat(updates).hasSize(published);
            Decision rejected = rebuilds.get(rebuilds.size() - 1);
            assertThat(rejected.planId()).isNull();
            assertThat(rejected.reason()).contains("plan rejected: the same unit order as plan " + threeRungs.artifact().id() + ", served now");
        }
    }

    @Test
    @DisplayName("the control loop lets a build that is not urgent run only in calm windows: on a sparse rung it is held even with headroom,"
            + " and goes on once the deployment is back dense")
    void backgroundBuildsRunOnlyWhenCalm() throws InterruptedException {
        try (PlanWorker worker = atSparsestRung()) {
            String plan = threeRungs.artifact().id();
            window(plan, 2, 0.1); // headroom, but bought with rung 2's quality
            worker.submit(new BuildRequest("live statistics replace the calibration text", false, null, new int[0], store.resolve("calm")));
            AgentFixture.await("the build held", Duration.ofMinutes(1), worker.pacer()::holding);
            while (lastRung() > 0) {
                assertThat(worker.pacer().holding()).as("held on rung %d", lastRung()).isTrue();
                window(plan, lastRung(), 0.1);
                assertThat(clock).as("back to dense").isBefore(T0.plusSeconds(300));
            }
            window(plan, 0, 0.1); // calm
            assertThat(finished(worker)).isInstanceOf(BuildResult.Built.class);
        }
    }

    @Test
    @DisplayName("a build that is not urgent waits between its steps while the pacer disallows it and goes on once allowed;"
            + " an urgent one never waits; a stopping worker lets a held build finish")
    void pacedBuilds() throws InterruptedException, IOException {
        PlanWorker worker = new PlanWorker(builder);
        worker.pacer().allow(false);
        worker.submit(new BuildRequest("live statistics replace the calibration text", false, null, new int[0], store.resolve("held")));
        AgentFixture.await("the build held", Duration.ofMinutes(1), worker.pacer()::holding);
        assertThat(worker.poll()).as("held at a checkpoint").isNull();
        int normal = Files.exists(Path.of("/proc/thread-self")) ? niceOf(Files.readString(Path.of("/proc/thread-self/stat"))) : 10;
        boolean canLower = normal < 10; // and the tests do not already run at nice 10 or more
        if (canLower) {
            assertThat(builderNiceValues()).as("the held build's thread (and any it started) runs at nice 10").containsExactly(10);
        }
        worker.pacer().allow(true);
        assertThat(finished(worker)).isInstanceOf(BuildResult.Built.class);
        assertThat(worker.pacer().heldMillis()).isPositive();

        worker.pacer().allow(false);
        worker.submit(new BuildRequest("drift: expert-usage JS 0.3 bits", true, null, new int[0], store.resolve("urgent")));
        assertThat(finished(worker)).as("urgent: never held").isInstanceOf(BuildResult.Built.class);
        if (canLower) {
            assertThat(builderNiceValues()).as("the urgent build ran on a thread of its own at normal priority").containsExactly(normal, 10);
        }

        worker.submit(new BuildRequest("live statistics replace the calibration text", false, null, new int[0], store.resolve("closing")));
        AgentFixture.await("the build held", Duration.ofMinutes(1), worker.pacer()::holding);
        assertThat(worker.closeAndWait(Duration.ofMinutes(2))).as("the held build finished once the worker closed").isTrue();
    }

    /**
     * Distinct nice values of this JVM's threads named like the worker's builders; Linux keeps 15 characters of a thread's
     * name, "arborist-agent-" for both, and native threads a builder starts carry its name too.
     */
    private static Set<Integer> builderNiceValues() throws IOException {
        Set<Integer> nice = new TreeSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) { // the thread ended meanwhile
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("arborist-agent-")) {
                    nice.add(niceOf(stat));
                }
            }
        }
        return nice;
    }

    /** The 19th field of a /proc stat line; the name before it, in parentheses, may hold spaces. */
    private static int niceOf(String stat) {
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19 - 3]);
    }

    private static BuildResult finished(PlanWorker worker) throws InterruptedException {
        BuildResult[] result = new BuildResult[1];
        AgentFixture.await("the build finished", Duration.ofMinutes(2), () -> (result[0] = worker.poll()) != null);
        return result[0];
    }

    /** A control loop with the three-rung plan published, and violations until the controller runs its rung 2; its idle worker. */
    private PlanWorker atSparsestRung() {
        PlanWorker worker = new PlanWorker(builder); // never submits: no traffic reaches the build threshold
        control = control(worker);
        control.onBuild(threeRungs, clock);
        drain();
        while (lastRung() < 2) {
            window(threeRungs.artifact().id(), lastRung(), 5.0);
            assertThat(clock).as("reached rung 2").isBefore(T0.plusSeconds(60));
        }
        return worker;
    }

    private static double rungCost(BuildResult.Built built, int rung) {
        return ServedPlan.costsOf(built.artifact()).get(rung);
    }

    private static double replacementCost() {
        return ServedPlan.cheapestCost(replacement.artifact(), SLO.maxPerplexityRatio());
    }

    private static BuildResult.Built build(PlanBuilder builder, String reason, boolean urgent, String name) {
        BuildResult result = builder.build(new BuildRequest(reason, urgent, null, new int[0], dir.resolve("plans").resolve(name)), () -> { });
        assertThat(result).isInstanceOf(BuildResult.Built.class);
        return (BuildResult.Built) result;
    }

    private static LadderSettings ladder(List<Double> budgets) {
        return new LadderSettings(budgets, 32, 2, 2, new SpeedComparison(1, 4, 4)).withFfnStep(LadderSettings.QUICK_FFN_STEP);
    }

    private DeploymentControl control(PlanWorker worker) {
        TrafficShape shape = TrafficShape.of(base.config());
        DeploymentTelemetry telemetry = new DeploymentTelemetry(shape, Windows.restore(WINDOW, null, T0),
                DecayedTraffic.restore(shape, Duration.ofSeconds(10), null), PromptSample.restore(8, base.config().maxPositions(), null),
                id -> control.orderOf(id));
        return DeploymentControl.create(SLO, base, store, new AgentMetrics(AgentFixture.DEPLOYMENT, TelemetryConsumer.TOPICS), telemetry, worker, new DriftDetector(0.05, 0.5, 2), 1 << 20, Double.MAX_VALUE, null);
    }

    /** One closed window of 20 requests on {@code plan} at {@code rung}, e2e p95 {@code e2e} s; then the records it queued. */
    private void window(String plan, int rung, double e2e) {
        WindowStats w = new WindowStats(clock, clock.plus(WINDOW), 20, 1, 400, 320, null, null, e2e, 0.0, Map.of(rung, 20L),
                Map.of(plan, 20L), Map.of(), Map.of(), 0, null);
        clock = clock.plus(WINDOW);
        control.onWindow(w, clock);
        drain();
    }

    private void drain() {
        for (Pending p : control.announcer().drain()) {
            if (p.topic().equals(Topics.MODELS.topic())) {
                updates.add(ModelUpdate.parse(p.value()));
            } else if (p.topic().equals(Topics.DECISIONS.topic()) && "rebuild".equals(Decision.parse(p.value()).action())) {
                rebuilds.add(Decision.parse(p.value()));
            }
        }
    }

    private ModelUpdate lastUpdate() {
        return updates.get(updates.size() - 1);
    }

    private int lastRung() {
        return lastUpdate().rung();
    }
}
