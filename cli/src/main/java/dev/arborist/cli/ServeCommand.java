package dev.arborist.cli;

import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.serving.kafka.TelemetryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Option(names = "--deployment", defaultValue = "default", description = "Deployment id: the key of telemetry events (default: ${DEFAULT-VALUE}).")
    String deployment;

    @Option(names = "--admin-token-file", description = "File holding the bearer token of the /admin API (plan, rollback); without it /admin is off.")
    Path adminTokenFile;

    @ArgGroup(exclusive = true)
    Broker broker;

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
        String adminToken = adminToken();
        EmbeddedKafka kafka = broker != null && broker.embedded ? EmbeddedKafka.start() : null;
        String bootstrap = kafka != null ? kafka.bootstrapServers() : broker == null ? null : broker.bootstrap;
        ServingConfig base = ServingConfig.of(model.model);
        ServingConfig config = new ServingConfig(base.modelDir(), base.modelName(), host, port, maxBatch, queue,
                base.maxBodyBytes(), base.drainTimeout());
        if (adminToken != null) {
            config = config.withAdminToken(adminToken);
        }
        if (bootstrap != null) {
            config = config.withTelemetry(TelemetryConfig.of(bootstrap, deployment));
            System.err.println("arborist serve: telemetry to Kafka at " + bootstrap + " (deployment " + deployment + ")");
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
