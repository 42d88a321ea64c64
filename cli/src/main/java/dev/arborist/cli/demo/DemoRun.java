package dev.arborist.cli.demo;

import dev.arborist.agent.Agent;
import dev.arborist.agent.AgentConfig;
import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.model.io.FileTrees;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One demo run, end to end and all real: an in-process Kafka broker, the serving process, the
 * agent and open-loop HTTP traffic, in this JVM. It calibrates the load and the SLO on this
 * machine first (dense capacity, then dense p95 at the base load), so the scenario means the same
 * thing on a fast and a slow machine; then it drives the scenario, sampling one timeline point
 * per control window from the clients and from the two /metrics endpoints. A baseline run pins
 * serving to dense or to the sparsest rung through the admin API while the agent runs as usual.
 */
public final class DemoRun implements AutoCloseable {
    /**
     * @param baseRate requests per second at load 1; null: a share of the measured dense capacity
     * @param sloSeconds the e2e p95 target; null: a multiple of the dense p95 measured at the base rate
     * @param quickBuilds plan builds measure fewer windows (tests); the demo measures properly
     * @param baseline who picks the served rung: the agent, or a pin to dense or to the sparsest rung
     * @param surgeShare serving runs steps sparser than the agent's rung once the oldest request has waited this share
     *     of the SLO ({@code ServingConfig.surgeAfter}); 0: never. A baseline's pin overrides it
     */
    public record Settings(Path modelDir, Scenario scenario, Duration duration, int servingPort, int agentPort, Duration window,
            Double baseRate, Double sloSeconds, double qualityBudget, int maxTokens, long seed, boolean quickBuilds, Baseline baseline,
            double surgeShare) {

        public Settings {
            if (!(surgeShare >= 0 && surgeShare < 1)) {
                throw new IllegalArgumentException("the surge share must be in [0, 1) of the SLO (0: off), got " + surgeShare);
            }
        }

        /** Without a surge. */
        public Settings(Path modelDir, Scenario scenario, Duration duration, int servingPort, int agentPort, Duration window,
                Double baseRate, Double sloSeconds, double qualityBudget, int maxTokens, long seed, boolean quickBuilds, Baseline baseline) {
            this(modelDir, scenario, duration, servingPort, agentPort, window, baseRate, sloSeconds, qualityBudget, maxTokens, seed, quickBuilds,
                    baseline, 0);
        }

        /** Serving surges once the oldest request has waited {@code share} of the SLO (0: never). */
        public Settings withSurge(double share) {
            return new Settings(modelDir, scenario, duration, servingPort, agentPort, window, baseRate, sloSeconds, qualityBudget, maxTokens,
                    seed, quickBuilds, baseline, share);
        }

        public Settings withBaseline(Baseline newBaseline) {
            return new Settings(modelDir, scenario, duration, servingPort, agentPort, window, baseRate, sloSeconds, qualityBudget, maxTokens,
                    seed, quickBuilds, newBaseline, surgeShare);
        }

        /** The same run on other traffic: another draw of arrivals, bursts and prompts. */
        public Settings withSeed(long newSeed) {
            return new Settings(modelDir, scenario, duration, servingPort, agentPort, window, baseRate, sloSeconds, qualityBudget, maxTokens,
                    newSeed, quickBuilds, baseline, surgeShare);
        }

        /** The same run at a given load and SLO, e.g. those another run calibrated, so that runs compare. */
        public Settings withLoad(double newBaseRate, double newSloSeconds) {
            return new Settings(modelDir, scenario, duration, servingPort, agentPort, window, newBaseRate, newSloSeconds, qualityBudget,
                    maxTokens, seed, quickBuilds, baseline, surgeShare);
        }
    }

    /** Base load as a share of dense capacity: doubled, it overloads dense but not a 1.5x rung. */
    static final double BASE_LOAD_SHARE = 0.3;
    static final String DEPLOYMENT = "demo";
    static final int MIXED_SHADOW_EVERY = 3;
    static final int MAX_STEP = 3;
    private static final Duration PLAN_TIMEOUT = Duration.ofMinutes(5);
    /** The agent's store in the run's work directory; its plans are under {@code plans/}. */
    private static final String STORE = "store";

    private final Settings settings;
    private final Consumer<String> status;
    private final Path workDir;
    private final List<AutoCloseable> running = new ArrayList<>(); // closed in reverse order
    private final HttpClient http = HttpClient.newHttpClient();
    /** Serving's admin token, random per run: only this process pins rungs. */
    private final String adminToken = UUID.randomUUID().toString();
    private final Consumer<SloSpec.Builder> sloTuning;
    private volatile TrafficGenerator traffic;
    private Instant trafficStarted;

    private DemoRun(Settings settings, Consumer<String> status, Path workDir, Consumer<SloSpec.Builder> sloTuning) {
        this.settings = settings;
        this.status = status;
        this.workDir = workDir;
        this.sloTuning = sloTuning;
    }

    /** @param status receives one-line progress and the live status line */
    public static DemoRun prepare(Settings settings, Consumer<String> status) throws IOException {
        return prepare(settings, status, slo -> { });
    }

    /**
     * @param sloTuning adjusts the agent's SLO spec after the demo's own settings: a scenario test that
     *     isolates one behaviour switches the others off
     */
    public static DemoRun prepare(Settings settings, Consumer<String> status, Consumer<SloSpec.Builder> sloTuning)
            throws IOException {
        oneTorchThreadUnlessSet();
        return new DemoRun(settings, status, Files.createTempDirectory("arborist-demo-"), sloTuning);
    }

    /**
     * Serving, the agent, Kafka and the clients share this JVM's cores: PyTorch's own intra-op and
     * inter-op pools would make two model threads spin against them. With one thread each the
     * serving capacity measured twice as high on the 2-core box (BENCHMARKS.md, "The agent against
     * fixed rungs"). Takes effect only before the engine starts, and only where nobody chose otherwise.
     */
    private static void oneTorchThreadUnlessSet() {
        for (String key : new String[] {"ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads"}) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, "1");
            }
        }
    }

    /** Runs the whole demo and returns its report; {@link #close} stops whatever is still running. */
    public DemoReport run() throws Exception {
        status.accept("starting an embedded Kafka broker");
        EmbeddedKafka kafka = open(EmbeddedKafka.start());
        status.accept("starting serving on port " + settings.servingPort() + " (model " + settings.modelDir() + ")");
        ServingServer serving = startServing(kafka.bootstrapServers());
        URI servingUri = URI.create("http://127.0.0.1:" + serving.port());
        String model = modelName(servingUri);

        PromptPool prompts = PromptPool.from(settings.modelDir().resolve("eval.txt")); // the model's held-out text, split into domains
        Calibration calibration = new Calibration(servingUri, model, prompts,
                settings.scenario(), settings.maxTokens(), settings.seed(), status);
        double baseRate = settings.baseRate() != null ? settings.baseRate() : BASE_LOAD_SHARE * calibration.denseCapacity();
        double slo = settings.sloSeconds() != null ? settings.sloSeconds() : settings.scenario().sloOverBaseP95() * calibration.p95At(baseRate, settings.window());
        status.accept(String.format("base load %.2f req/s, SLO: e2e p95 <= %.2f s", baseRate, slo));
        if (settings.surgeShare() > 0) { // after calibration, which measures the dense model
            serving.surgeAfter(Duration.ofNanos(Math.round(settings.surgeShare() * slo * 1e9)));
            status.accept(String.format("serving surges past %.2f s in the system (%.0f%% of the SLO)", settings.surgeShare() * slo,
                    100 * settings.surgeShare()));
        }

        Agent agent = startAgent(kafka.bootstrapServers(), slo);
        URI agentMetrics = URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics");
        awaitFirstPlan(servingUri, agent);
        BaselinePin pin = new BaselinePin(http, servingUri, adminToken, settings.baseline(), status);
        Sampler sampler = new Sampler(http, servingUri.resolve("/metrics"), agentMetrics);
        Timeline timeline = new Timeline();
        List<TrafficGenerator.Result> results = drive(servingUri, model, prompts, baseRate, slo, sampler, timeline, pin);
        // the served rung's quality is looked up in the ladder of the plan served at the end: a rebuilt
        // plan's rungs may differ slightly from the earlier plans' (same budgets, other statistics)
        List<Double> ratios = pin.levels().perplexityRatios();
        List<Decision> decisions = DecisionTally.read(kafka.bootstrapServers(), DEPLOYMENT); // the audit log, read once
        DecisionTally.AnnouncedPolicy policy = DecisionTally.policy(kafka.bootstrapServers(), DEPLOYMENT);
        InputPolicyOutcome inputs = policy == null ? null
                : InputPolicyOutcome.of(Duration.between(trafficStarted, policy.firstAt()).toMillis() / 1000.0, policy.table(), results);
        Sampler.Totals totals = sampler.totals();
        DomainRecovery recovery = settings.scenario() == Scenario.DOMAIN_SHIFT ? domainRecovery(decisions, prompts) : null;
        return report(timeline, results, totals, baseRate, slo, timeline.meanPerplexityRatio(ratios), totals.perplexityRatioOfTokens(ratios),
                DecisionTally.driftRebuilds(decisions), inputs, DecisionTally.audit(decisions, trafficStarted), recovery);
    }

    /** Scores the plans before and after the first drift rebuild; null, said on the status line, when that fails: the run's report still counts. */
    private DomainRecovery domainRecovery(List<Decision> decisions, PromptPool prompts) {
        status.accept("scoring the plans before and after the drift rebuild on the new domain's text");
        try {
            return DomainRecovery.afterFirstDrift(decisions, settings.modelDir(), workDir.resolve(STORE).resolve("plans"),
                    prompts.lines(settings.scenario().secondDomain()));
        } catch (IOException | RuntimeException e) {
            status.accept("could not score the plans on the new domain's text: " + e.getMessage());
            return null;
        }
    }

    private ServingServer startServing(String bootstrap) throws Exception {
        // profiling costs one forward per rung on the model thread, which calibration (dense, no ladder) does not see: the
        // mixed scenario, whose point is the per-input policy, profiles more requests so the policy learns within minutes
        int shadowEvery = settings.scenario() == Scenario.MIXED ? MIXED_SHADOW_EVERY : TelemetryConfig.DEFAULT_SHADOW_EVERY;
        TelemetryConfig telemetry = TelemetryConfig.of(bootstrap, DEPLOYMENT).withStats(4, settings.window()).withShadowEvery(shadowEvery);
        ServingConfig config = ServingConfig.of(settings.modelDir()).withPort(settings.servingPort()).withTelemetry(telemetry)
                .withAdminToken(adminToken);
        ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        running.add(0, () -> server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES));
        server.ready().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        return server;
    }

    private Agent startAgent(String bootstrap, double slo) {
        status.accept("starting the agent (it builds a first plan from the calibration text)");
        // a short ladder and a load that doubles at once: one move may cross the whole ladder when the p95 says it must
        SloSpec.Builder spec = SloSpec.builder(DEPLOYMENT).e2eP95Seconds(slo).qualityBudget(settings.qualityBudget())
                .cooldown(settings.window().multipliedBy(2)).maxStep(MAX_STEP);
        sloTuning.accept(spec);
        AgentConfig.Builder config = AgentConfig.builder(bootstrap, settings.modelDir(), workDir.resolve(STORE), spec.build())
                .window(settings.window())
                .metricsPort(settings.agentPort())
                .calibFile(settings.modelDir().resolve("calib.txt"));
        if (settings.quickBuilds()) { // rungs at the same budgets, measured on fewer and shorter windows
            double b = settings.qualityBudget();
            config.ladder(new LadderSettings(AgentConfig.rungBudgets(b), 64, 2, 4, new SpeedComparison(1, 8, 8)).withFfnStep(LadderSettings.QUICK_FFN_STEP)).verifyWindows(2);
        }
        return open(Agent.start(config.build()));
    }

    /** Waits until serving runs the agent's first plan, so the scenario starts from a known state. */
    private void awaitFirstPlan(URI servingUri, Agent agent) throws Exception {
        long deadline = System.nanoTime() + PLAN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.alive()) {
                throw new IllegalStateException("the agent stopped: " + agent.failure());
            }
            PrometheusText metrics = PrometheusText.scrape(http, servingUri.resolve("/metrics"));
            if (metrics.sum("arborist_swaps_total", Map.of("result", "ok")).orElse(0) >= 1) {
                status.accept("serving runs the agent's first plan");
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("serving did not receive a plan from the agent within " + PLAN_TIMEOUT.toMinutes() + " minutes");
    }

    /**
     * Runs the scenario's traffic, adding a point to {@code timeline} per window; returns every request's result.
     * Every second it checks the baseline's pin, so a plan the agent publishes meanwhile is pinned too.
     */
    private List<TrafficGenerator.Result> drive(URI servingUri, String model, PromptPool prompts, double baseRate, double slo, Sampler sampler, Timeline timeline,
            BaselinePin pin) throws Exception {
        ConcurrentLinkedQueue<TrafficGenerator.Result> finished = new ConcurrentLinkedQueue<>();
        List<TrafficGenerator.Result> all = new ArrayList<>();
        traffic = new TrafficGenerator(servingUri, model, prompts, settings.scenario(),
                baseRate, settings.maxTokens(), settings.duration(), settings.seed(), finished::add);
        status.accept("scenario " + settings.scenario().label() + " for " + settings.duration().toSeconds() + " s, rung picked by "
                + (settings.baseline() == Baseline.AGENT ? "the agent" : "the " + settings.baseline().label() + " baseline's pin"));
        OptionalInt pinned = pin.hold(); // before the first request: the first plan is pinned from the start
        long start = System.nanoTime();
        trafficStarted = Instant.now();
        traffic.start();
        double windowSeconds = settings.window().toMillis() / 1000.0;
        double nextPoint = windowSeconds;
        while (true) {
            Thread.sleep(1000);
            pinned = hold(pin, pinned);
            double t = (System.nanoTime() - start) / 1e9;
            boolean over = t >= settings.duration().toSeconds() && traffic.inFlight() == 0
                    || t >= settings.duration().toSeconds() + 60; // in-flight stragglers get a minute
            if (t >= nextPoint || over) {
                List<TrafficGenerator.Result> window = drain(finished);
                all.addAll(window);
                Timeline.Point point = sampler.point(t, traffic.offeredRate(), window, slo, pinned);
                timeline.add(point);
                status.accept(statusLine(point));
                nextPoint += windowSeconds;
            }
            if (over) {
                break;
            }
        }
        return all;
    }

    /** A failed check keeps the last pin (serving slow to answer); the next second checks again. */
    private OptionalInt hold(BaselinePin pin, OptionalInt last) throws InterruptedException {
        try {
            return pin.hold();
        } catch (IOException e) {
            status.accept("could not check the baseline's pin, retrying: " + e.getMessage());
            return last;
        }
    }

    private DemoReport report(Timeline timeline, List<TrafficGenerator.Result> all, Sampler.Totals totals, double baseRate, double slo,
            double meanPerplexityRatio, double tokenPerplexityRatio, long driftRebuilds, InputPolicyOutcome inputs, List<AuditEntry> audit,
            DomainRecovery recovery) {
        double seconds = settings.duration().toSeconds();
        List<Double> changes = settings.scenario().changePoints().stream().map(p -> p * seconds).toList();
        double convergence = changes.stream().mapToDouble(timeline::convergenceSeconds).max().orElse(Double.NaN);
        return new DemoReport(settings.scenario().label(), settings.baseline(), seconds, baseRate, all.size(),
                all.stream().filter(r -> !r.ok()).count(), Math.round(totals.swaps()), Math.round(totals.rungChanges()), slo,
                timeline.attainment(), timeline.attainmentAfterConvergence(changes), convergence, totals.qualityRatio(), meanPerplexityRatio,
                tokenPerplexityRatio, driftRebuilds, timeline.points(), inputs, AttainmentByWindow.of(all, slo, seconds, timeline.convergingSpans(changes)), audit, recovery);
    }

    private static List<TrafficGenerator.Result> drain(ConcurrentLinkedQueue<TrafficGenerator.Result> queue) {
        List<TrafficGenerator.Result> out = new ArrayList<>();
        for (TrafficGenerator.Result r; (r = queue.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    private static String statusLine(Timeline.Point p) {
        return String.format("t=%4.0fs  load %.2f req/s  p95 %s / SLO %.2f s  rung %d  sparsity %s  swaps %.0f  quality %s  failed %d",
                p.endSeconds(), p.offeredRate(), Double.isNaN(p.p95Seconds()) ? "  n/a" : String.format("%.2f s", p.p95Seconds()),
                p.sloSeconds(), p.rung(), Double.isNaN(p.sparsity()) ? "n/a" : String.format("%.0f%%", 100 * p.sparsity()), p.swaps(),
                Double.isNaN(p.qualityRatio()) ? "n/a" : String.format("%.3f", p.qualityRatio()), p.failed());
    }

    private String modelName(URI servingUri) throws IOException, InterruptedException {
        var response = http.send(java.net.http.HttpRequest.newBuilder(servingUri.resolve("/v1/models")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("data").path(0).path("id").asText();
    }

    private <T extends AutoCloseable> T open(T resource) {
        running.add(0, resource);
        return resource;
    }

    /** Stops traffic, the agent, serving and the broker, and deletes the run's temporary files. */
    @Override
    public void close() {
        TrafficGenerator t = traffic;
        if (t != null) {
            t.close();
        }
        for (AutoCloseable c : running) {
            try {
                c.close();
            } catch (Exception e) {
                status.accept("while stopping: " + e);
            }
        }
        running.clear();
        if (!FileTrees.delete(workDir)) {
            status.accept("could not remove every file under " + workDir);
        }
    }

}
