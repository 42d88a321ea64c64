package dev.arborist.serving;

import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.elastic.LevelJson;
import dev.arborist.policies.elastic.Rung;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /admin/levels} (behind the admin token): the served elastic plan's ladder and how requests
 * pick a rung. {@code GET} shows the rungs (level, perplexity ratio, speed-ups), the base rung, the
 * policy table and the pin. {@code POST {"rung": N}} pins every request to rung N from its next
 * step on, {@code {"rung": null}} lets the base rung and the table decide again, and
 * {@code {"policy": {...}}} replaces the policy table ({@code arborist.policy-table.v1}). The body is
 * checked whole before anything changes.
 */
final class LevelsHandler {
    private static final Set<String> FIELDS = Set.of("rung", "policy");

    private final RungControl control;

    LevelsHandler(RungControl control) {
        this.control = control;
    }

    void get(RoutingContext ctx) {
        Responders.sendJson(ctx.response(), 200, state(control.current()));
    }

    void set(RoutingContext ctx) {
        JsonObject body = JsonBodies.parse(ctx.body().buffer());
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw ApiError.invalid("unknown field '" + field + "': send {\"rung\": N or null} and/or {\"policy\": {...}}", field);
            }
        }
        if (body.isEmpty()) {
            throw ApiError.invalid("send {\"rung\": N} to pin every request, {\"rung\": null} to unpin, or {\"policy\": {...}}", null);
        }
        ModelVersion version = control.current();
        ElasticVersion elastic = version.elastic();
        if (elastic == null) {
            throw ApiError.conflict("plan " + version.id() + " has no ladder: only an elastic plan runs at levels");
        }
        int rungs = elastic.ladder().size();
        PolicyTable policy = body.containsKey("policy") ? policy(body.getValue("policy"), rungs) : null;
        Integer pin = body.containsKey("rung") ? rung(body.getValue("rung"), rungs) : null;
        if (policy != null) {
            elastic.selector().policy(policy);
        }
        if (body.containsKey("rung")) {
            elastic.selector().pin(pin);
        }
        Responders.sendJson(ctx.response(), 200, state(version));
    }

    /** @return the rung to pin, or null to unpin */
    private static Integer rung(Object value, int rungs) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0 || ((Number) value).longValue() >= rungs) {
            throw ApiError.invalid("'rung' must be an integer in 0.." + (rungs - 1) + " (or null to unpin), got " + value, "rung");
        }
        return ((Number) value).intValue();
    }

    private static PolicyTable policy(Object value, int rungs) {
        if (!(value instanceof JsonObject json)) {
            throw ApiError.invalid("'policy' must be a policy table object (" + PolicyTable.SCHEMA + ")", "policy");
        }
        PolicyTable table;
        try {
            table = PolicyTable.fromJson(json.encode());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("'policy': " + e.getMessage(), "policy");
        }
        try {
            RungSelector.requireFits(table, rungs);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("'policy': " + e.getMessage(), "policy");
        }
        return table;
    }

    private static JsonObject state(ModelVersion version) {
        JsonObject out = new JsonObject().put("plan_id", version.planId());
        ElasticVersion elastic = version.elastic();
        if (elastic == null) {
            return out.put("elastic", false);
        }
        RungSelector.State s = elastic.selector().state();
        JsonArray rungs = new JsonArray();
        for (Rung r : elastic.ladder().rungs()) {
            rungs.add(new JsonObject()
                    .put("rung", r.index())
                    .put("level", new JsonObject(LevelJson.encode(r.level()).toString()))
                    .put("budget", r.budget())
                    .put("perplexity_ratio", r.perplexityRatio())
                    .put("relative_cost", r.relativeCost())
                    .put("decode_speedup_batch8", r.decodeSpeedupBatch8())
                    .put("decode_speedup_batch1", r.decodeSpeedupBatch1()));
        }
        return out.put("elastic", true)
                .put("rungs", rungs)
                .put("base_rung", s.baseRung())
                .put("override", s.pinned())
                .put("policy", new JsonObject(s.policy().toJson()));
    }
}
