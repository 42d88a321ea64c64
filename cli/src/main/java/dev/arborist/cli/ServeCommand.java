package dev.arborist.cli;

import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the OpenAI-compatible server until interrupted; Ctrl-C drains in-flight requests first. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions, /metrics), "
                + "streaming request telemetry to Kafka when a broker is given.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-batch", defaultValue = "8", description = "Sequences decoded together (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--queue", defaultValue = "64", description = "Requests that may wait; beyond that 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--admin-token-file", description = "File holding the bearer token of the /admin API (plan, rollback); without it /admin is off.")
    Path adminTokenFile;

    @ArgGroup(exclusive = true)
    Broker broker;

    @Option(names = "--deployment", defaultValue = "default", description = "Deployment id: the key of telemetry events (default: ${DEFAULT-VALUE}).")
    String deployment;

    @Option(names = "--replica", paramLabel = "ID", description = "This server's id within the deployment, in its telemetry (default: the host name).")
    String replica;

    @Option(names = "--stats-sample-every", paramLabel = "N",
            description = "Instrument one decode step in N for the arborist.stats.v1 sketches (default: " + TelemetryConfig.DEFAULT_SAMPLE_EVERY + ").")
    Integer statsSampleEvery;

    @Option(names = "--shadow-every", paramLabel = "N",
            description = "Profile one finished request in N for the agent: its prompt, and its continuation scored under every rung"
                    + " of an elastic plan, one extra forward per rung (default: " + TelemetryConfig.DEFAULT_SHADOW_EVERY + ").")
    Integer shadowEvery;

    @Option(names = "--stats-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often a stats sketch is sent: 10s, 500ms, 2m, 1h or ISO-8601 such as PT10S (default: 60s).")
    Duration statsInterval;

    @Option(names = "--surge-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Serve an elastic plan's next steps one rung sparser than the agent's rung once the oldest request in the"
                    + " system is this old, and one more per further third of it, e.g. 0.6 x the p95 e2e target (default: off).")
    Duration surgeAfter;

    /** Where telemetry goes: an external broker, an in-process one, or nowhere. */
    static final class Broker {
        @Option(names = "--kafka", description = "Kafka bootstrap servers (HOST:PORT[,...]); serving runs on if the broker is down.")
        String bootstrap;

        @Option(names = "--embedded-kafka", description = "Start an in-process Kafka broker (KRaft) and send telemetry to it.")
        boolean embedded;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (maxBatch < 1 || queue < 1) {
            throw new IllegalArgumentException("--max-batch and --queue must be at least 1, got " + maxBatch + " and " + queue);
        }
        if (surgeAfter != null && (surgeAfter.isZero() || surgeAfter.isNegative())) {
            throw new IllegalArgumentException("--surge-after must be a positive duration, got " + surgeAfter);
        }
        TelemetryOptions telemetry = telemetryOptions(); // checked before a broker or the model starts
        String adminToken = adminToken();
        EmbeddedKafka kafka = broker != null && broker.embedded ? EmbeddedKafka.start() : null;
        String bootstrap = kafka != null ? kafka.bootstrapServers() : broker == null ? null : broker.bootstrap;
        ServingConfig base = ServingConfig.of(model.model);
        ServingConfig config = new ServingConfig(base.modelDir(), base.modelName(), host, port, maxBatch, queue,
                base.maxBodyBytes(), base.drainTimeout()).withSurgeAfter(surgeAfter);
        if (adminToken != null) {
            config = config.withAdminToken(adminToken);
        }
        if (telemetry != null) {
            config = config.withTelemetry(telemetry.config(bootstrap));
            System.err.printf("arborist serve: telemetry to Kafka at %s (deployment %s, replica %s, stats: 1 step in %d, every %s)%n",
                    bootstrap, telemetry.deployment(), telemetry.replica(), telemetry.sampleEvery(), telemetry.statsInterval());
        } else {
            System.err.println("arborist serve: no Kafka broker given; telemetry is off");
        }
        ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("arborist serve: draining in-flight requests...");
            server.close().toCompletionStage().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
            if (kafka != null) {
                kafka.close();
            }
            stopped.countDown();
        }));
        server.ready().onSuccess(v -> System.err.printf("arborist serve: ready on http://%s:%d (model %s)%n", host, server.port(), model.model));
        System.err.printf("arborist serve: listening on http://%s:%d, loading %s...%n", host, server.port(), model.model);
        stopped.await();
        return 0;
    }

    /** The telemetry arguments as one checked record; null without a broker, where telemetry-only arguments are refused. */
    TelemetryOptions telemetryOptions() {
        if (broker == null) {
            String given = replica != null ? "--replica" : statsSampleEvery != null ? "--stats-sample-every"
                    : statsInterval != null ? "--stats-interval" : shadowEvery != null ? "--shadow-every" : null;
            if (given != null) {
                throw new IllegalArgumentException(given + " sets up telemetry, which goes to Kafka: add --kafka HOST:PORT or --embedded-kafka");
            }
            return null;
        }
        return new TelemetryOptions(deployment, replica != null ? replica : hostName(),
                statsSampleEvery != null ? statsSampleEvery : TelemetryConfig.DEFAULT_SAMPLE_EVERY,
                statsInterval != null ? statsInterval : TelemetryConfig.DEFAULT_STATS_INTERVAL,
                shadowEvery != null ? shadowEvery : TelemetryConfig.DEFAULT_SHADOW_EVERY);
    }

    /**
     * Who this server is in its telemetry and how it samples, checked before anything starts.
     *
     * @param deployment the key of every event: all replicas of one deployment share it
     * @param replica this server within the deployment
     * @param sampleEvery one decode step in this many is instrumented for the stats sketches
     * @param statsInterval how often a stats sketch is sent
     * @param shadowEvery one finished request in this many is profiled for the agent
     */
    record TelemetryOptions(String deployment, String replica, int sampleEvery, Duration statsInterval, int shadowEvery) {
        // Kubernetes-style names: they end up in Kafka keys, client ids and metric labels.
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

        TelemetryOptions {
            requireName("--deployment", deployment);
            requireName("--replica", replica);
            if (sampleEvery < 1) {
                throw new IllegalArgumentException("--stats-sample-every must be at least 1 (1 instruments every decode step), got " + sampleEvery);
            }
            if (statsInterval.isZero() || statsInterval.isNegative()) {
                throw new IllegalArgumentException("--stats-interval must be positive, e.g. 10s, got " + statsInterval);
            }
            if (shadowEvery < 1) {
                throw new IllegalArgumentException("--shadow-every must be at least 1 (1 profiles every request), got " + shadowEvery);
            }
        }

        TelemetryConfig config(String bootstrap) {
            return new TelemetryConfig(bootstrap, deployment, replica, TelemetryConfig.DEFAULT_BUFFER, sampleEvery, statsInterval)
                    .withShadowEvery(shadowEvery);
        }

        private static void requireName(String option, String value) {
            if (!NAME.matcher(value).matches()) {
                throw new IllegalArgumentException(option + " '" + value + "': use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
        }
    }

    /** The host name, as Kubernetes sets it for a pod; the local resolver otherwise. */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private String adminToken() throws java.io.IOException {
        if (adminTokenFile == null) {
            return null;
        }
        if (!Files.isRegularFile(adminTokenFile)) {
            throw new IllegalArgumentException("admin token file not found: " + adminTokenFile);
        }
        String token = Files.readString(adminTokenFile).strip();
        if (token.length() < 16) {
            throw new IllegalArgumentException("the admin token in " + adminTokenFile + " is too short: use at least 16 characters");
        }
        return token;
    }
}
