package dev.arborist.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.events.DecisionLog;
import dev.arborist.events.ModelUpdate;
import dev.arborist.serving.kafka.ModelUpdateConsumer;
import dev.arborist.serving.kafka.StatsWindow;
import dev.arborist.serving.kafka.TelemetryProducer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point: starts the model thread (load, warm up, serve) and the HTTP API.
 * {@code start} completes once the port is bound; {@link #ready()} once the model can answer.
 * {@link #close()} drains the requests in flight, then stops the server and frees the model.
 */
public final class ServingServer {
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Scheduler scheduler;
    private final ServingMetrics metrics;
    private final ServingConfig config;
    private final ApiVerticle api;
    private final String deploymentId;
    private final KafkaLinks kafka;
    private final PlanLoader planLoader;

    private ServingServer(Vertx vertx, boolean ownsVertx, Scheduler scheduler, ServingMetrics metrics, ServingConfig config, ApiVerticle api,
            String deploymentId, KafkaLinks kafka, PlanLoader planLoader) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.config = config;
        this.api = api;
        this.deploymentId = deploymentId;
        this.kafka = kafka;
        this.planLoader = planLoader;
    }

    /**
     * Starts on a Vert.x instance of its own, closed again by {@link #close()}. Its HTTP server
     * meters ({@code vertx_http_server_*}) are in {@code /metrics} next to the serving ones.
     */
    public static Future<ServingServer> start(ServingConfig config) {
        ServingMetrics metrics = new ServingMetrics();
        Vertx vertx = VertxHttpMetrics.newVertx(metrics.registry());
        return start(vertx, config, List.of(), true, metrics).onFailure(e -> vertx.close());
    }

    /**
     * Starts on {@code vertx}, which the caller keeps. Vert.x's own meters are not in
     * {@code /metrics} then: they belong to whoever built {@code vertx}.
     *
     * @param listeners told about every finished request, besides the metrics (and the Kafka
     *     telemetry when the config has it)
     */
    public static Future<ServingServer> start(Vertx vertx, ServingConfig config, List<RequestListener> listeners) {
        return start(vertx, config, listeners, false, new ServingMetrics());
    }

    private static Future<ServingServer> start(Vertx vertx, ServingConfig config, List<RequestListener> listeners, boolean ownsVertx,
            ServingMetrics metrics) {
        TelemetryProducer telemetry = config.telemetry() == null ? null : new TelemetryProducer(config.telemetry(), metrics.registry());
        List<RequestListener> others = new ArrayList<>(listeners);
        if (telemetry != null) {
            others.add(telemetry);
        }
        RequestListener all = record -> {
            metrics.onCompleted(record);
            others.forEach(l -> l.onCompleted(record));
        };
        Scheduler scheduler = new Scheduler(() -> LoadedModel.load(config.modelName(), config.modelDir()),
                config.maxBatch(), config.queueCapacity(), metrics, all);
        scheduler.surge(config.surge());
        if (telemetry != null) {
            scheduler.sampleStats(new StatsWindow(config.telemetry(), telemetry::onStats, Clock.systemUTC()));
            scheduler.sampleRequests(config.telemetry().shadowEvery()); // prompts and shadow scores only matter to the agent
        }
        PlanLoader planLoader = new PlanLoader(scheduler, metrics);
        ModelUpdateConsumer updates = config.telemetry() == null ? null
                : new ModelUpdateConsumer(config.telemetry(), planSwitch(planLoader, new RungControl(scheduler, metrics)), metrics.registry());
        AdminAudit audit = config.telemetry() == null ? AdminAudit.NONE : new AdminAudit(
                new DecisionLog(config.telemetry().bootstrap(), "arborist-admin-" + config.telemetry().replica()),
                config.telemetry().deployment(), config.telemetry().replica());
        KafkaLinks kafka = new KafkaLinks(telemetry, updates, audit);
        ApiVerticle api = new ApiVerticle(scheduler, metrics, planLoader, audit);
        return vertx.deployVerticle(api, new DeploymentOptions().setConfig(config.toJson()))
                .onSuccess(id -> {
                    scheduler.start();
                    scheduler.ready().thenRun(kafka::followModelUpdates); // swaps need the model
                })
                .map(id -> new ServingServer(vertx, ownsVertx, scheduler, metrics, config, api, id, kafka, planLoader))
                .onFailure(e -> vertx.executeBlocking(() -> { // close() joins the Kafka threads: not on the event loop
                    planLoader.close();
                    kafka.close();
                    return null;
                }, false).onComplete(v -> metrics.close()));
    }

    /** The bound port (the real one when the config asked for 0). */
    /**
     * Replaces the surge threshold of {@link ServingConfig#surgeAfter()} from the next step on (null: no surge), e.g. once
     * the latency target it is a share of is known.
     */
    public void surgeAfter(Duration after) {
        scheduler.surge(after == null ? null : new SurgeRule(after));
    }

    public int port() {
        return api.actualPort();
    }

    /** Completes when the model is loaded and warmed up; fails if it could not be loaded. */
    public Future<Void> ready() {
        return Future.fromCompletionStage(scheduler.ready(), vertx.getOrCreateContext()).mapEmpty();
    }

    /** Stops taking requests, lets the running ones finish (up to the drain timeout), then shuts down. */
    public Future<Void> close() {
        // No swap starts during the drain, and one in progress finishes before the model it reads is freed.
        Future<Void> drained = Future.fromCompletionStage(planLoader.stop().thenCompose(v -> scheduler.drain(config.drainTimeout())),
                vertx.getOrCreateContext());
        // Telemetry closes after the drain so the last requests' events go out; it blocks, so off the event loop.
        Future<Void> stopped = drained.compose(v -> vertx.undeploy(deploymentId))
                .eventually(() -> vertx.executeBlocking(() -> {
                    kafka.close();
                    return null;
                }, false))
                .onComplete(v -> metrics.close());
        if (!ownsVertx) {
            return stopped;
        }
        // Completed outside Vert.x: once vertx.close() is done no event loop can run a callback.
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        stopped.onComplete(ar -> vertx.close().onComplete(x -> closed.complete(null)));
        return Future.fromCompletionStage(closed);
    }

    /** Plans announced on {@code arborist.models} go through the same loader as admin requests, checked against the event. */
    private static ModelUpdateConsumer.PlanSwitch planSwitch(PlanLoader loader, RungControl rungs) {
        return new ModelUpdateConsumer.PlanSwitch() {
            @Override
            public String currentPlan() {
                try {
                    return rungs.current().id();
                } catch (ApiError notLoaded) {
                    return null;
                }
            }

            @Override
            public CompletableFuture<String> load(ModelUpdate update) {
                PlanLoader.Expected expected = new PlanLoader.Expected(update.planId(), update.sha256(), update.baseSha256());
                int rung = update.rung() == null ? 0 : update.rung();
                return loader.load(update.localPath(), expected, rung).thenApply(ModelVersion::id);
            }

            @Override
            public Integer moveRung(String planId, int rung) {
                return rungs.moveBaseRung(planId, rung);
            }

            @Override
            public boolean policy(String planId, JsonNode table) {
                return rungs.policy(planId, table == null ? null : PolicyTable.fromJson(table.toString()));
            }

            @Override
            public boolean accepting() {
                return loader.accepting();
            }
        };
    }

    /** The Kafka side: request telemetry out, model updates in; both null without a Kafka bootstrap. */
    private record KafkaLinks(TelemetryProducer telemetry, ModelUpdateConsumer updates, AdminAudit audit) {
        void followModelUpdates() {
            if (updates != null) {
                updates.start();
            }
        }

        /** Blocks until both threads are done: call off the event loop. */
        void close() {
            if (updates != null) {
                updates.close();
            }
            if (telemetry != null) {
                telemetry.close();
            }
            audit.close();
        }
    }
}
