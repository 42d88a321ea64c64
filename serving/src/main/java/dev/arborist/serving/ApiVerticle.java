package dev.arborist.serving;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/** The HTTP API: OpenAI-compatible endpoints, health, metrics and (with a token) admin. Never runs the model. */
final class ApiVerticle extends VerticleBase {
    private final Scheduler scheduler;
    private final ServingMetrics metrics;
    private final PlanLoader planLoader;
    private ServingConfig config;
    private HttpServer server;

    ApiVerticle(Scheduler scheduler, ServingMetrics metrics, PlanLoader planLoader) {
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.planLoader = planLoader;
    }

    @Override
    public Future<?> start() {
        config = ServingConfig.fromJson(config());
        CompletionHandler completions = new CompletionHandler(scheduler, metrics);
        Router router = Router.router(vertx);
        router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        router.post("/v1/*").handler(this::requireJson);
        router.post("/v1/completions").handler(completions::completions);
        router.post("/v1/chat/completions").handler(completions::chat);
        router.get("/v1/models").handler(this::models);
        router.get("/health/live").handler(ctx -> ctx.response().end("ok"));
        router.get("/health/ready").handler(this::ready);
        router.get("/metrics").handler(this::metrics);
        if (config.adminToken() != null) { // no token configured: no admin API at all (404)
            AdminHandler admin = new AdminHandler(config.adminToken(), planLoader, scheduler);
            router.route("/admin/*").handler(admin::authorize);
            router.post("/admin/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
            router.get("/admin/plan").handler(admin::plan);
            router.post("/admin/plan").handler(this::requireJson).handler(admin::load);
            router.post("/admin/rollback").handler(admin::rollback);
        }
        router.route().failureHandler(this::failure);
        server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()));
        return server.requestHandler(router).listen();
    }

    /** Lets responses in flight finish before the connections close. */
    @Override
    public Future<?> stop() {
        return server.shutdown(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    int actualPort() {
        return server.actualPort();
    }

    private void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw ApiError.unsupportedMediaType(type);
        }
        ctx.next();
    }

    private void models(RoutingContext ctx) {
        JsonArray data = new JsonArray();
        LoadedModel model = scheduler.model();
        if (model != null) {
            data.add(new JsonObject().put("id", model.name()).put("object", "model").put("created", 0).put("owned_by", "arborist")
                    .put("max_model_len", model.contextLength()));
        }
        Responders.sendJson(ctx.response(), 200, new JsonObject().put("object", "list").put("data", data));
    }

    private void ready(RoutingContext ctx) {
        boolean ready = scheduler.model() != null;
        ctx.response().setStatusCode(ready ? 200 : 503).end(ready ? "ready" : "loading");
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }

    /** Every failure becomes an OpenAI-style error body; the server carries on. */
    private void failure(RoutingContext ctx) {
        ApiError error;
        if (ctx.failure() instanceof ApiError api) {
            error = api;
        } else if (ctx.statusCode() == 413) {
            error = ApiError.tooLarge(config.maxBodyBytes());
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            error = ApiError.invalid("bad request (" + ctx.statusCode() + ")", null);
        } else {
            error = ApiError.internal("internal error: " + (ctx.failure() == null ? "unknown" : ctx.failure().getMessage()));
        }
        if (error.status() >= 400 && error.status() < 500 && error.status() != 429 && !ctx.request().path().startsWith("/admin")) {
            metrics.refused("invalid");
        }
        Responders.sendJson(ctx.response(), error.status(), error.toJson());
    }
}
