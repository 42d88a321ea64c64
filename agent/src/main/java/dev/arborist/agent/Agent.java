package dev.arborist.agent;

import dev.arborist.agent.consume.TelemetryConsumer;
import dev.arborist.agent.control.DeploymentControl;
import dev.arborist.agent.metrics.AgentMetrics;
import dev.arborist.agent.metrics.MetricsServer;
import dev.arborist.agent.plan.EvalText;
import dev.arborist.agent.plan.PlanBuilder;
import dev.arborist.agent.plan.PlanVerifier;
import dev.arborist.agent.plan.PlanWorker;
import dev.arborist.agent.publish.Publisher;
import dev.arborist.agent.state.AgentState;
import dev.arborist.agent.state.SnapshotStore;
import dev.arborist.agent.window.DecayedTraffic;
import dev.arborist.agent.window.DeploymentTelemetry;
import dev.arborist.agent.window.PromptSample;
import dev.arborist.agent.window.TrafficShape;
import dev.arborist.agent.window.UnitOrder;
import dev.arborist.agent.window.WindowStats;
import dev.arborist.agent.window.Windows;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.control.DriftDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy agent of one deployment, running: {@link #start} loads the base model, resumes from
 * the snapshot in the store (if any), serves /metrics and starts the control loop on a thread of
 * its own; {@link #close} stops it, keeping the snapshot and committed offsets for the next start.
 * Run one agent per deployment: its consumer group is the deployment's.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final int CALIBRATION_WINDOWS = 16;

    private final AgentConfig config;
    private final LanguageModel base;
    private final AgentMetrics metrics;
    private final MetricsServer server;
    private final PlanWorker worker;
    private final Publisher publisher;
    private final AgentLoop loop;
    private final DeploymentControl control;
    private final Thread thread;

    private Agent(AgentConfig config, LanguageModel base, AgentMetrics metrics, MetricsServer server, PlanWorker worker, Publisher publisher,
                  AgentLoop loop, DeploymentControl control) {
        this.config = config;
        this.base = base;
        this.metrics = metrics;
        this.server = server;
        this.worker = worker;
        this.publisher = publisher;
        this.loop = loop;
        this.control = control;
        this.thread = new Thread(loop, "arborist-agent-" + config.deployment());
    }

    /**
     * Starts the agent; returns once the model is loaded and /metrics answers (Kafka may still be
     * coming up: the loop waits for it).
     *
     * @throws IllegalStateException when the snapshot in the store cannot be read
     * @throws UncheckedIOException when the store, the texts or the metrics port are not usable
     */
    public static Agent start(AgentConfig config) {
        return start(config, AgentLoop.Hooks.NONE);
    }

    static Agent start(AgentConfig config, AgentLoop.Hooks hooks) {
        SnapshotStore store = new SnapshotStore(config.storeDir(), config.deployment());
        AgentState restored = store.load();
        if (restored != null) {
            LOG.info("resuming deployment {} from its snapshot in {}", config.deployment(), config.storeDir());
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Files.createDirectories(config.storeDir().resolve("plans"));
            LanguageModel base = open(opened, LanguageModel.load(config.modelDir()));
            AgentMetrics metrics = open(opened, new AgentMetrics(config.deployment(), TelemetryConsumer.TOPICS));
            PlanWorker worker = open(opened, new PlanWorker(builder(config, base)));
            Publisher publisher = open(opened, new Publisher(config.bootstrap(), config.deployment()));
            AtomicReference<DeploymentControl> control = new AtomicReference<>(); // telemetry asks control for plan orders
            DeploymentTelemetry telemetry = telemetry(config, base, restored, id -> control.get().orderOf(id));
            control.set(DeploymentControl.create(config.slo(), base, config.storeDir().resolve("plans"), metrics, telemetry, worker,
                    new DriftDetector(config.drift().jsThreshold(), config.drift().normThreshold(), config.drift().confirmWindows()),
                    config.drift().sampleTokens(), config.minBuildTokens(), restored == null ? null : restored.control()));
            sloTargets(config, metrics);
            AgentLoop loop = new AgentLoop(config, telemetry, control.get(), worker, publisher, store, metrics, hooks, restored);
            MetricsServer server = open(opened, MetricsServer.start("0.0.0.0", config.metricsPort(), metrics::scrape, loop::alive));
            Agent agent = new Agent(config, base, metrics, server, worker, publisher, loop, control.get());
            agent.thread.start();
            return agent;
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static PlanBuilder builder(AgentConfig config, LanguageModel base) throws IOException {
        Path tokenizerFile = config.modelDir().resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException("model directory " + config.modelDir() + " has no tokenizer.json: the agent tokenizes its eval text");
        }
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerFile)) {
            int window = Math.min(config.ladder().window(), base.config().maxPositions());
            EvalText text = EvalText.split(TokenizedText.read(config.evalFile(), tokenizer), window);
            CalibrationSet calibration = config.calibFile() == null ? null
                    : CalibrationSet.fromTokens(TokenizedText.read(config.calibFile(), tokenizer), CALIBRATION_WINDOWS, window);
            PlanVerifier verifier = new PlanVerifier(base, text.heldOut(), window, config.verifyWindows(), config.slo().maxPerplexityRatio());
            return new PlanBuilder(base, config.ladder(), text, calibration, verifier);
        }
    }

    private static DeploymentTelemetry telemetry(AgentConfig config, LanguageModel base, AgentState restored,
                                                 Function<String, UnitOrder> orders) {
        TrafficShape shape = TrafficShape.of(base.config());
        Instant now = Instant.now();
        Windows windows = Windows.restore(config.window(), restored == null ? null : restored.windows(), now);
        DecayedTraffic traffic = DecayedTraffic.restore(shape, config.statsHalfLife(), restored == null ? null : restored.traffic());
        PromptSample prompts = PromptSample.restore(config.promptSamples(), base.config().maxPositions(),
                restored == null ? null : restored.prompts());
        return new DeploymentTelemetry(shape, windows, traffic, prompts, orders);
    }

    private static void sloTargets(AgentConfig config, AgentMetrics metrics) {
        metrics.sloTarget("ttft_p95", orNaN(config.slo().ttftP95Seconds()));
        metrics.sloTarget("itl_p95", orNaN(config.slo().itlP95Seconds()));
        metrics.sloTarget("e2e_p95", orNaN(config.slo().e2eP95Seconds()));
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static <T extends AutoCloseable> T open(List<AutoCloseable> opened, T resource) {
        opened.add(0, resource); // closed in reverse order of opening
        return resource;
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing: the first error is the one to report
            }
        }
    }

    public AgentConfig config() {
        return config;
    }

    /** The port /metrics and /health/live listen on. */
    public int metricsPort() {
        return server.port();
    }

    /** The Prometheus text exposition, as /metrics serves it. */
    public String scrape() {
        return metrics.scrape();
    }

    /** The last closed control windows of the deployment, oldest first (a bounded history, for tests and tools). */
    public List<WindowStats> recentWindows() {
        return control.recentWindows();
    }

    /** Whether the control loop is running (false once it stopped on an error; see {@link #failure()}). */
    public boolean alive() {
        return loop.alive() && thread.isAlive();
    }

    /** Why the control loop stopped, or null while it runs (or after a clean close). */
    public Throwable failure() {
        return loop.failure();
    }

    /**
     * Stops the loop (a clean stop saves the snapshot and commits its positions), waits for a plan
     * build in progress, and frees the model. The store keeps everything for the next start.
     */
    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean idle = worker.closeAndWait(Duration.ofMinutes(5));
        server.close();
        publisher.close();
        metrics.close();
        if (idle) {
            base.close(); // a build still running reads the weights: then the process exit frees them
        }
    }
}
