package dev.arborist.cli;

import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the OpenAI-compatible server until interrupted; Ctrl-C drains in-flight requests first. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions, /metrics).")
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

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        ServingConfig base = ServingConfig.of(model.model);
        ServingConfig config = new ServingConfig(base.modelDir(), base.modelName(), host, port, maxBatch, queue,
                base.maxBodyBytes(), base.drainTimeout());
        ServingServer server = ServingServer.start(config).toCompletionStage().toCompletableFuture().get();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("arborist serve: draining in-flight requests...");
            server.close().toCompletionStage().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
            stopped.countDown();
        }));
        server.ready().onSuccess(v -> System.err.printf("arborist serve: ready on http://%s:%d (model %s)%n", host, server.port(), model.model));
        System.err.printf("arborist serve: listening on http://%s:%d, loading %s...%n", host, server.port(), model.model);
        stopped.await();
        return 0;
    }
}
