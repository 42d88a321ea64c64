package dev.arborist.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Holds serving at a baseline's rung through its real admin API ({@code /admin/levels}), as an
 * operator would. A pin belongs to the served plan version: a plan the agent publishes later
 * starts unpinned. So {@link #hold} is called every second and pins again whenever the served plan
 * is not at the baseline's rung; between a swap and the next check (at most about a second)
 * requests run at the new plan's base rung.
 */
final class BaselinePin {
    /**
     * What {@code GET /admin/levels} says about the served plan.
     *
     * @param perplexityRatios held-out perplexity ratio to dense per rung, rung 0 first; empty when the plan has no ladder
     * @param pinned the rung every request is pinned to; null when not pinned
     */
    record Levels(String planId, List<Double> perplexityRatios, Integer pinned) {
        static Levels parse(String json) throws IOException {
            JsonNode root = JSON.readTree(json);
            List<Double> ratios = new ArrayList<>();
            for (JsonNode rung : root.path("rungs")) {
                ratios.add(rung.path("perplexity_ratio").asDouble(Double.NaN));
            }
            JsonNode pin = root.path("override");
            return new Levels(root.path("plan_id").asText(null), List.copyOf(ratios), pin.isIntegralNumber() ? pin.asInt() : null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI levels;
    private final String authorization;
    private final Baseline baseline;
    private final Consumer<String> status;

    /** @param token serving's admin token ({@code ServingConfig.withAdminToken}) */
    BaselinePin(HttpClient http, URI server, String token, Baseline baseline, Consumer<String> status) {
        this.http = http;
        this.levels = server.resolve("/admin/levels");
        this.authorization = "Bearer " + token;
        this.baseline = baseline;
        this.status = status;
    }

    /**
     * Pins the served plan to the baseline's rung unless it already is; reads nothing for {@link Baseline#AGENT}.
     *
     * @return the rung every request runs at now; empty when the agent decides
     * @throws IllegalStateException when the served plan has no ladder to pin
     */
    OptionalInt hold() throws IOException, InterruptedException {
        if (baseline == Baseline.AGENT) {
            return OptionalInt.empty();
        }
        Levels now = levels();
        if (now.perplexityRatios().isEmpty()) {
            throw new IllegalStateException("plan " + now.planId() + " has no ladder: the " + baseline.label() + " baseline pins a rung of an elastic plan");
        }
        int rung = baseline.pin(now.perplexityRatios().size()).getAsInt();
        if (now.pinned() == null || now.pinned() != rung) {
            send(HttpRequest.newBuilder(levels).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"rung\": " + rung + "}")));
            status.accept("plan " + now.planId() + ": every request pinned to rung " + rung + " (" + baseline.label() + " baseline)");
        }
        return OptionalInt.of(rung);
    }

    /** The served plan's ladder and pin. */
    Levels levels() throws IOException, InterruptedException {
        return Levels.parse(send(HttpRequest.newBuilder(levels).GET()));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", authorization).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(response.request().method() + " " + levels + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
