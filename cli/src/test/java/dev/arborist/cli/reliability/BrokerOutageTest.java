package dev.arborist.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arborist.agent.Agent;
import dev.arborist.agent.AgentConfig;
import dev.arborist.cli.demo.ClosedLoop;
import dev.arborist.cli.demo.PromptPool;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka outage under load, all real and in one JVM: the embedded KRaft broker, serving on the
 * bundled model with Kafka telemetry, the agent, and closed-loop HTTP clients. The broker is
 * stopped for 30 s while the clients keep sending, then restarted on the same port. It proves that
 * Kafka is off the request path and that the loop heals by itself:
 * <ul>
 * <li>serving answers every request, during the outage too;
 * <li>it reports itself disconnected and counts the telemetry it could not send as dropped;
 * <li>after the restart it reconnects and events flow again;
 * <li>the agent's consumer lag reads as unknown (NaN) while the broker is down, not as its last value;
 * <li>the agent survives, its consumer lag returns to 0, its windows count requests sent after the restart, and once the
 *     load stops its consumer group has committed every record on the broker, the outage's backlog included.
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BrokerOutageTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final String DEPLOYMENT = "outage";
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration LOAD_AFTER_RESTART = Duration.ofSeconds(20);
    private static final Duration FIRST_PLAN = Duration.ofMinutes(2);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** Small enough that 30 s of load overflows it, so the drops are real ones. */
    private static final int TELEMETRY_BUFFER = 16;
    private static final int CLIENTS = 3;
    private static final int MAX_TOKENS = 8;

    @TempDir
    Path dir;

    /** What the run measured, printed as the evidence and asserted on. */
    record Outcome(long servedBeforeOutage, long servedDuringOutage, long servedAfterRestart, long failed, List<String> failures,
            Scrapes.Telemetry beforeOutage, Outage duringOutage, Scrapes.Telemetry atRestart, Scrapes.Telemetry atCatchUp, Scrapes.Telemetry atEnd,
            Duration brokerRestart, Duration catchUp, double agentMaxLagWhileCatchingUp, long agentRequestsSinceRestart,
            double agentLateEvents) {
    }

    @Test
    @DisplayName("Kafka broker stopped for 30 s during load: serving keeps answering, telemetry drops are counted, events flow again"
            + " afterwards, the agent catches up")
    void brokerOutage() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Serving serving = Serving.start(kafka.bootstrapServers());
             Agent agent = Agent.start(agentConfig(kafka.bootstrapServers()))) {
            Scrapes scrapes = new Scrapes(serving.uri(), agent.metricsPort());
            Await.until("serving runs the agent's first plan", FIRST_PLAN, () -> alive(agent) && scrapes.swaps() >= 1);
            Outcome o = runOutage(kafka, agent, scrapes, serving.uri());
            System.out.println(o); // the evidence, in the surefire output
            // with the load stopped, the agent's group must end up having committed every record, the backlog included
            Duration drained = Await.until("the agent committed every telemetry record", CATCH_UP,
                    () -> GroupLag.of(kafka.bootstrapServers(), DEPLOYMENT) == 0);
            System.out.println("agent group lag 0 on the broker " + drained.toMillis() + " ms after the load stopped");

            assertThat(o.failed()).as("requests not answered with 200 (first ones: %s)", o.failures()).isZero();
            assertThat(o.servedDuringOutage()).as("requests served while the broker was down").isPositive();
            assertThat(o.beforeOutage().dropped()).as("telemetry dropped before the outage").isZero();
            assertThat(o.duringOutage().minConnected()).as("arborist_telemetry_connected during the outage").isZero();
            assertThat(o.duringOutage().agentLagUnknown()).as("arborist_agent_consumer_lag_records went NaN (unknown) during the outage,"
                    + " not its last value").isTrue();
            assertThat(o.atRestart().dropped()).as("telemetry dropped by the end of the outage").isPositive();
            assertThat(o.atEnd().connected()).as("arborist_telemetry_connected after the restart").isEqualTo(1);
            assertThat(o.atEnd().sent()).as("telemetry sent keeps increasing after the catch-up").isGreaterThan(o.atCatchUp().sent());
            assertThat(agent.alive()).as("the agent is alive (failure: %s)", agent.failure()).isTrue();
        }
    }

    /** Load before, during and after a broker outage; the catch-up is awaited (and asserted) on the way. */
    private static Outcome runOutage(EmbeddedKafka kafka, Agent agent, Scrapes scrapes, URI server) throws Exception {
        // chat prompts only: short, so more requests and more telemetry
        try (ClosedLoop load = ClosedLoop.start(server, modelName(server), PromptPool.from(MODEL.resolve("eval.txt")), PromptPool.Domain.CHAT,
                MAX_TOKENS, CLIENTS, 0)) {
            Await.until("telemetry flows and the agent counts requests before the outage", CATCH_UP,
                    () -> scrapes.telemetry().sent() > 0 && CatchUp.requestsCounted(agent, Instant.EPOCH) > 0);
            Scrapes.Telemetry before = scrapes.telemetry();
            long servedBefore = load.served();

            kafka.stop();
            Outage outage = watchOutage(scrapes);
            Scrapes.Telemetry atRestart = scrapes.telemetry();
            long servedDuring = load.served() - servedBefore;
            Instant restarting = Instant.now();
            kafka.restart(); // returns once the broker answers clients
            Instant restarted = Instant.now();

            CatchUp catchUp = new CatchUp(scrapes, agent, atRestart.sent(), restarted);
            Duration caughtUpAfter = Await.until("serving sends again and the agent caught up after the restart", CATCH_UP, catchUp,
                    catchUp::toString);
            Scrapes.Telemetry atCatchUp = scrapes.telemetry();
            keepLoadUntil(restarted.plus(LOAD_AFTER_RESTART));
            Scrapes.Telemetry atEnd = scrapes.telemetry();
            long servedAfter = load.served() - servedBefore - servedDuring;
            long agentRequests = CatchUp.requestsCounted(agent, restarted);
            load.close(); // counts the requests still in flight before the totals are read
            return new Outcome(servedBefore, servedDuring, servedAfter, load.failed(), load.failures(), before, outage, atRestart,
                    atCatchUp, atEnd, Duration.between(restarting, restarted), caughtUpAfter, catchUp.maxLag(), agentRequests,
                    scrapes.agentLateEvents());
        }
    }

    /** What the meters showed while the broker was down: serving's lowest "connected", and whether the agent's lag read as unknown. */
    private record Outage(double minConnected, boolean agentLagUnknown) {}

    /** Samples serving's telemetry meters and the agent's consumer lag for the length of the outage. */
    private static Outage watchOutage(Scrapes scrapes) throws Exception {
        long end = System.nanoTime() + OUTAGE.toNanos();
        double minConnected = Double.POSITIVE_INFINITY;
        boolean lagUnknown = false;
        while (System.nanoTime() < end) {
            minConnected = Math.min(minConnected, scrapes.telemetry().connected());
            lagUnknown |= Double.isNaN(scrapes.agentLag());
            Thread.sleep(500);
        }
        return new Outage(minConnected, lagUnknown);
    }

    /** The clients keep running meanwhile: this only holds the test until then. */
    private static void keepLoadUntil(Instant until) throws InterruptedException {
        long left = Duration.between(Instant.now(), until).toMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private static boolean alive(Agent agent) {
        if (!agent.alive()) {
            throw new AssertionError("the agent stopped", agent.failure());
        }
        return true;
    }

    private AgentConfig agentConfig(String bootstrap) {
        double budget = 0.15;
        // a loose SLO: the controller holds, so what the test sees comes from the outage and not from rung moves
        SloSpec slo = SloSpec.builder(DEPLOYMENT).e2eP95Seconds(30).qualityBudget(budget).cooldown(WINDOW.multipliedBy(2)).build();
        return AgentConfig.builder(bootstrap, MODEL, dir.resolve("store"), slo)
                .window(WINDOW)
                .metricsPort(0)
                .calibFile(MODEL.resolve("calib.txt"))
                // the first plan from the calibration text, searched on few short windows (as the demo's quick builds); it is
                // the only plan, so its rungs are chosen and verified on 8 windows each, where 2 can reject every rung by chance
                .ladder(new LadderSettings(AgentConfig.rungBudgets(budget), 64, 2, 8, new SpeedComparison(1, 8, 8)).withFfnStep(LadderSettings.QUICK_FFN_STEP))
                .verifyWindows(8)
                // no rebuild from live statistics: a build would compete with serving for the two cores mid-test
                .minBuildTokens(1e12)
                .build();
    }

    private static String modelName(URI server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.resolve("/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body()).path("data").path(0).path("id").asText();
    }

    /** Serving with Kafka telemetry through a small buffer, started and ready; closing it drains and stops it. */
    private record Serving(ServingServer server) implements AutoCloseable {
        static Serving start(String bootstrap) throws Exception {
            TelemetryConfig telemetry = TelemetryConfig.of(bootstrap, DEPLOYMENT).withBufferCapacity(TELEMETRY_BUFFER);
            ServingServer server = ServingServer.start(ServingConfig.of(MODEL).withPort(0).withTelemetry(telemetry))
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            Serving serving = new Serving(server);
            try {
                server.ready().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                serving.close();
                throw e;
            }
            return serving;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.port());
        }

        @Override
        public void close() throws Exception {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
