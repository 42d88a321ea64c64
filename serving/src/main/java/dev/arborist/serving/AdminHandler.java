package dev.arborist.serving;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletionException;

/**
 * The /admin API: which plan is served, load and switch to a plan artifact, roll back. Every
 * request needs {@code Authorization: Bearer <token>}. Loading runs on the {@link PlanLoader}'s
 * thread; the event loop only waits for its future.
 */
final class AdminHandler {
    private final byte[] token;
    private final PlanLoader loader;
    private final Scheduler scheduler;
    private final AdminAudit audit;

    AdminHandler(String token, PlanLoader loader, Scheduler scheduler, AdminAudit audit) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.loader = loader;
        this.scheduler = scheduler;
        this.audit = audit;
    }

    /** Lets only requests with the right bearer token through (compared in constant time). */
    void authorize(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !MessageDigest.isEqual(token, header.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized();
        }
        ctx.next();
    }

    void plan(RoutingContext ctx) {
        Responders.sendJson(ctx.response(), 200, state());
    }

    void load(RoutingContext ctx) {
        String path = JsonBodies.parse(ctx.body().buffer()).getString("path");
        if (path == null || path.isBlank()) {
            throw ApiError.invalid("send {\"path\": \"<plan artifact directory>\"}", "path");
        }
        Path dir;
        try {
            dir = Path.of(path);
        } catch (InvalidPathException e) {
            throw ApiError.invalid("'path' is not a valid path: " + e.getMessage(), "path");
        }
        loader.load(dir).whenComplete((version, error) -> ctx.vertx().runOnContext(v -> {
            if (error == null) {
                audit.swapped(version.id());
                Responders.sendJson(ctx.response(), 200, state().put("plan_id", version.id()));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                audit.rejected(dir, cause.getMessage() == null ? cause.toString() : cause.getMessage());
                ctx.fail(cause instanceof ApiError api ? api : ApiError.internal("loading the plan failed: " + cause.getMessage()));
            }
        }));
    }

    void rollback(RoutingContext ctx) {
        ModelVersion back = loader.rollback();
        audit.rolledBack(back.id());
        Responders.sendJson(ctx.response(), 200, state().put("plan_id", back.id()));
    }

    private JsonObject state() {
        ModelVersions versions = scheduler.versions();
        if (versions == null) {
            throw ApiError.unavailable("the model is not loaded yet");
        }
        ModelVersion current = versions.current();
        ModelVersion previous = versions.previous();
        return new JsonObject()
                .put("current", current.id())
                .put("previous", previous == null ? null : previous.id())
                .put("sparsity", current.sparsity());
    }
}
