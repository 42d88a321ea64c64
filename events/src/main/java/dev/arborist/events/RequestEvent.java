package dev.arborist.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code arborist.request.v1} on {@code arborist.telemetry.requests}: one finished request.
 *
 * @param planId the plan the request ran on; null for the dense base
 * @param rung the ladder rung it ran at; null when the plan has no ladder
 * @param level the level's settings (see the elastic ladder); null for dense
 * @param ttftSeconds null when no token was produced
 * @param interTokenSeconds mean gap after the first token; null with fewer than two tokens
 * @param shadow the sampled dense-vs-level comparison; null when not sampled
 * @param timestamp ISO-8601 instant the request finished
 * @param promptTokenIds the prompt's token ids for a sampled fraction of requests (the agent's shadow
 *     check replays recent prompts); null when not sampled
 * @param baseRung the base rung the agent had set when the request finished; {@code rung} may be
 *     sparser, by the per-input policy table; null when the plan has no ladder (or from a replica
 *     that does not report it)
 */
public record RequestEvent(String requestId, String replica, String deployment, String planId, Integer rung, JsonNode level,
        int promptTokens, int completionTokens, double queueSeconds, Double ttftSeconds, Double interTokenSeconds,
        double e2eSeconds, String finishReason, Features features, Shadow shadow, String timestamp, int[] promptTokenIds,
        Integer baseRung) {
    public static final String SCHEMA = "arborist.request.v1";

    /** An event without sampled prompt tokens. */
    public RequestEvent(String requestId, String replica, String deployment, String planId, Integer rung, JsonNode level,
            int promptTokens, int completionTokens, double queueSeconds, Double ttftSeconds, Double interTokenSeconds,
            double e2eSeconds, String finishReason, Features features, Shadow shadow, String timestamp) {
        this(requestId, replica, deployment, planId, rung, level, promptTokens, completionTokens, queueSeconds, ttftSeconds,
                interTokenSeconds, e2eSeconds, finishReason, features, shadow, timestamp, null, null);
    }

    /** The same event carrying the prompt's token ids (serving samples which requests do). */
    public RequestEvent withPromptTokenIds(int[] ids) {
        return new RequestEvent(requestId, replica, deployment, planId, rung, level, promptTokens, completionTokens, queueSeconds,
                ttftSeconds, interTokenSeconds, e2eSeconds, finishReason, features, shadow, timestamp, ids, baseRung);
    }

    /** The same event reporting the base rung it ran under. */
    public RequestEvent withBaseRung(Integer newBaseRung) {
        return new RequestEvent(requestId, replica, deployment, planId, rung, level, promptTokens, completionTokens, queueSeconds,
                ttftSeconds, interTokenSeconds, e2eSeconds, finishReason, features, shadow, timestamp, promptTokenIds, newBaseRung);
    }

    /** The rung the agent's controller had set: the base rung when reported, else the rung the request ran at, else 0. */
    public int controlRung() {
        return baseRung != null ? baseRung : rung != null ? rung : 0;
    }

    /**
     * What the request looked like, for the per-input policy.
     *
     * @param lengthBucket e.g. {@code short}, {@code medium}, {@code long}; null when not bucketed
     * @param signature the cluster of the prompt's expert usage in the first layers; null when not computed
     */
    public record Features(int promptLength, String sloClass, String lengthBucket, Integer signature) {
    }

    /**
     * Mean per-token log-likelihood of the generated continuation under the level that produced
     * it and under the dense model: how much the level cost this input.
     *
     * @param rungLogLikelihoods the same under every rung of the ladder, index = rung (0: dense); null when only
     *     two were scored
     * @param rungDivergences each rung's mean KL divergence from dense over the continuation's positions, nats per
     *     token, index = rung (0: dense, 0): what each rung would cost this input, whichever it ran at; null in
     *     events from servers that did not compute it
     */
    public record Shadow(int tokens, double levelLogLikelihood, double denseLogLikelihood, double[] rungLogLikelihoods,
                         double[] rungDivergences) {
        public Shadow(int tokens, double levelLogLikelihood, double denseLogLikelihood) {
            this(tokens, levelLogLikelihood, denseLogLikelihood, null, null);
        }
    }

    public String encode() {
        return EventJson.encode(SCHEMA, this);
    }

    public static RequestEvent parse(String value) {
        RequestEvent event = EventJson.decode(value, SCHEMA, RequestEvent.class);
        if (event.deployment() == null || event.deployment().isBlank()) {
            throw new IllegalArgumentException("malformed " + SCHEMA + ": 'deployment' must be a non-empty string");
        }
        return event;
    }
}
