package dev.arborist.serving;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/** The HTTP API: OpenAI-compatible endpoints, health, metrics and (with a token) admin. Never runs the model. */
final class ApiVerticle extends VerticleBase {
    /** Statuses Vert.x Web's router answers by itself (400: undecodable path); 500 covers an unexpected throw while routing. */
    private static final int[] ROUTER_ERRORS = {400, 404, 405, 406, 413, 415, 500};

    private final Scheduler scheduler;
    private final ServingMetrics metrics;
    private final PlanLoader planLoader;
    private final AdminAudit audit;
    private ServingConfig config;
    private HttpServer server;

    ApiVerticle(Scheduler scheduler, ServingMetrics metrics, PlanLoader planLoader, AdminAudit audit) {
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.planLoader = planLoader;
        this.audit = audit;
    }

    @Override
    public Future<?> start() {
        config = ServingConfig.fromJson(config());
        CompletionHandler completions = new CompletionHandler(scheduler, metrics);
        Router router = Router.router(vertx);
        // Body handling sits on each endpoint, not on /v1/*, so an unknown /v1 path is a 404 and not a 405.
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        router.post("/v1/completions").handler(body).handler(this::requireJson).handler(completions::completions);
        router.post("/v1/chat/completions").handler(body).handler(this::requireJson).handler(completions::chat);
        router.get("/v1/models").handler(this::models);
        router.get("/health/live").handler(ctx -> ctx.response().end("ok"));
        router.get("/health/ready").handler(this::ready);
        router.get("/metrics").handler(this::metrics);
        if (config.adminToken() != null) { // no token configured: no admin API at all (404)
            AdminHandler admin = new AdminHandler(config.adminToken(), planLoader, scheduler, audit);
            router.route("/admin/*").handler(admin::authorize);
            router.post("/admin/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
            router.get("/admin/plan").handler(admin::plan);
            router.post("/admin/plan").handler(this::requireJson).handler(admin::load);
            router.post("/admin/rollback").handler(admin::rollback);
            LevelsHandler levels = new LevelsHandler(new RungControl(scheduler, metrics));
            router.get("/admin/levels").handler(levels::get);
            router.post("/admin/levels").handler(this::requireJson).handler(levels::set);
        }
        router.route().failureHandler(ctx -> failure(ctx, ctx.statusCode()));
        for (int status : ROUTER_ERRORS) { // what the router answers by itself (no route, wrong method, bad URI)
            router.errorHandler(status, ctx -> failure(ctx, status));
        }
        server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()));
        return server.requestHandler(router).invalidRequestHandler(this::malformedHttp).listen();
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
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!mediaType.equals("application/json")) { // exact: application/jsonl or application/json-seq are other formats
            throw ApiError.unsupportedMediaType(type);
        }
        ctx.next();
    }

    /**
     * What the HTTP codec refuses before any route sees it (a garbage request line, an over-long URI
     * or header, a malformed header): the same error body as every other refusal, then the
     * connection closes, since the rest of the stream cannot be trusted.
     */
    private void malformedHttp(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        metrics.refused("invalid");
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(ApiError.clientError(status, "malformed HTTP request" + why).toJson().encode())
                .onComplete(v -> request.connection().close());
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

    /** Every failure becomes an OpenAI-style error body with its status; the server carries on. */
    private void failure(RoutingContext ctx, int status) {
        ApiError error = toApiError(ctx, status);
        if (error.status() >= 400 && error.status() < 500 && error.status() != 429 && !path(ctx).startsWith("/admin")) {
            metrics.refused("invalid");
        }
        Responders.sendJson(ctx.response(), error.status(), error.toJson());
    }

    /**
     * Maps what failed, or the status the router chose, to an API error; only server faults become 5xx.
     * An error handler is told its status: the router does not set it on the context (it stays -1).
     */
    private ApiError toApiError(RoutingContext ctx, int status) {
        if (ctx.failure() instanceof ApiError api) {
            return api;
        }
        String method = ctx.request().method().name();
        String path = path(ctx);
        return switch (status) {
            case 404 -> ApiError.unknownRoute(method, path);
            case 405 -> ApiError.methodNotAllowed(method, path);
            case 413 -> ApiError.tooLarge(config.maxBodyBytes());
            default -> status >= 400 && status < 500
                    ? ApiError.clientError(status, "bad request (" + status + ")" + detail(ctx))
                    : ApiError.internal("internal error: " + (ctx.failure() == null ? "unknown" : ctx.failure().getMessage()));
        };
    }

    /** The request path; a malformed URI has none. */
    private static String path(RoutingContext ctx) {
        String path = ctx.request().path();
        return path == null ? "" : path;
    }

    private static String detail(RoutingContext ctx) {
        return ctx.failure() == null || ctx.failure().getMessage() == null ? "" : ": " + ctx.failure().getMessage();
    }
}
