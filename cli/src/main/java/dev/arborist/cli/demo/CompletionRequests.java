package dev.arborist.cli.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's one kind of request: a greedy, non-streaming {@code /v1/completions} call tagged with
 * its SLO class. It always generates {@code max_tokens} (ignore_eos), so latency reflects the
 * model's speed rather than where a prompt happens to end.
 */
final class CompletionRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI completions;
    private final String model;
    private final int maxTokens;

    CompletionRequests(URI server, String model, int maxTokens) {
        this.completions = server.resolve("/v1/completions");
        this.model = model;
        this.maxTokens = maxTokens;
    }

    HttpRequest of(String prompt, String sloClass) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("model", model, "prompt", prompt, "max_tokens", maxTokens, "temperature", 0,
                    "ignore_eos", true));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return HttpRequest.newBuilder(completions)
                .header("content-type", "application/json")
                .header("x-arborist-slo-class", sloClass)
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
