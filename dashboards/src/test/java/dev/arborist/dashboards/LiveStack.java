package dev.arborist.dashboards;

import dev.arborist.agent.Agent;
import dev.arborist.agent.AgentConfig;
import dev.arborist.cli.demo.PromptPool;
import dev.arborist.cli.demo.Scenario;
import dev.arborist.cli.demo.TrafficGenerator;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * The real system in this JVM, wired as {@code arborist demo} wires it: an embedded Kafka broker, serving on the
 * bundled model with telemetry and frequent stats sketches, the agent with a short control window, and the demo's
 * open-loop HTTP traffic. {@link #close} stops whatever was started, latest first.
 */
final class LiveStack implements AutoCloseable {
    static final String DEPLOYMENT = "dashboards-live";
    private static final Path MODEL = ServingExposition.MODEL;
    private static final String MODEL_NAME = "arborist-moe-6x8";
    /** Short windows and sketches so the agent decides, builds and reports within seconds, as in the demo. */
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration STATS_INTERVAL = Duration.ofSeconds(1);
    private static final int SAMPLE_EVERY = 4;
    private static final Duration START = Duration.ofMinutes(2);
    /** Longer than any test runs: {@link #close} stops the traffic. */
    private static final Duration TRAFFIC = Duration.ofMinutes(10);
    private static final int MAX_TOKENS = 8;

    private final Path workDir;
    private final List<AutoCloseable> running = new ArrayList<>(); // latest first
    private final Map<Integer, Integer> responses = new ConcurrentSkipListMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServingServer serving;
    private Agent agent;

    /** @param workDir the agent's store goes here */
    LiveStack(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts the broker, serving (returns once it is ready) and the agent (which builds its first plan from calibration text). */
    void start() throws Exception {
        EmbeddedKafka kafka = open(EmbeddedKafka.start());
        serving = startServing(kafka.bootstrapServers());
        agent = open(Agent.start(agentConfig(kafka.bootstrapServers())));
    }

    /** Open-loop completions at {@code rate} requests per second (bursts on top), until {@link #close}. */
    void startTraffic(double rate) throws Exception {
        TrafficGenerator traffic = new TrafficGenerator(servingUri(), MODEL_NAME, PromptPool.from(MODEL.resolve("eval.txt")), Scenario.STEADY, rate,
                MAX_TOKENS, TRAFFIC, 7, r -> responses.merge(r.status(), 1, Integer::sum));
        open(traffic);
        traffic.start();
    }

    /** A client's mistake (a body that is not JSON), so the HTTP error panels have a 4xx to show; returns the status. */
    int sendClientError() throws Exception {
        HttpRequest bad = HttpRequest.newBuilder(servingUri().resolve("/v1/completions")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": ")).build();
        return http.send(bad, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Traffic responses so far by HTTP status (0: no response), for failure messages. */
    Map<Integer, Integer> responsesByStatus() {
        return Map.copyOf(responses);
    }

    URI servingUri() {
        return URI.create("http://127.0.0.1:" + serving.port());
    }

    /** host:port of serving's /metrics. */
    String servingTarget() {
        return "127.0.0.1:" + serving.port();
    }

    /** host:port of the agent's /metrics. */
    String agentTarget() {
        return "127.0.0.1:" + agent.metricsPort();
    }

    /** @throws IllegalStateException with the cause when the agent's control loop has stopped, so waits fail fast */
    boolean requireAgentRunning() {
        if (!agent.alive()) {
            throw new IllegalStateException("the agent stopped: " + agent.failure(), agent.failure());
        }
        return true;
    }

    private ServingServer startServing(String bootstrap) throws Exception {
        TelemetryConfig telemetry = TelemetryConfig.of(bootstrap, DEPLOYMENT).withStats(SAMPLE_EVERY, STATS_INTERVAL)
                .withShadowEvery(1); // every idle finish is profiled: the live shadow quality panel fills within a minute
        ServingServer server = await(ServingServer.start(ServingConfig.of(MODEL).withPort(0).withTelemetry(telemetry)));
        open(() -> await(server.close()));
        await(server.ready());
        return server;
    }

    /**
     * Latency targets on all three quantiles (so every SLO line has a value), generous enough that the
     * controller has no reason to move; the demo's quality budget. A small ladder on a short search halves the
     * time to the first plan: what this test checks is the plan's metrics, not its quality. Rungs are chosen and
     * verified on 8 windows each, not 2: on 2 a rung chosen at x1.075 once measured x1.184 on the neighbouring
     * windows, and every build was rejected. Drift is
     * compared over small samples so the drift score has a value within the test's seconds of traffic (the default
     * sample, sized against sampling noise, would take longer than the test runs).
     */
    private AgentConfig agentConfig(String bootstrap) {
        SloSpec slo = SloSpec.builder(DEPLOYMENT).ttftP95Seconds(10).itlP95Seconds(2).e2eP95Seconds(30).qualityBudget(0.15).build();
        return AgentConfig.builder(bootstrap, MODEL, workDir.resolve("store"), slo)
                .window(WINDOW)
                .metricsPort(0)
                .calibFile(MODEL.resolve("calib.txt"))
                .ladder(new LadderSettings(List.of(0.075, 0.15), 64, 2, 8, new SpeedComparison(1, 8, 8)).withFfnStep(LadderSettings.QUICK_FFN_STEP))
                .verifyWindows(8)
                .drift(new AgentConfig.DriftSettings(AgentConfig.DriftSettings.defaults().jsThreshold(),
                        AgentConfig.DriftSettings.defaults().normThreshold(), AgentConfig.DriftSettings.defaults().confirmWindows(), 256))
                .build();
    }

    private <T extends AutoCloseable> T open(T resource) {
        running.add(0, resource);
        return resource;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(START.toSeconds(), TimeUnit.SECONDS);
    }

    /** Stops traffic, the agent, serving and the broker; the first failure is thrown once all had their turn. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : running) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        running.clear();
        if (first != null) {
            throw first;
        }
    }
}
