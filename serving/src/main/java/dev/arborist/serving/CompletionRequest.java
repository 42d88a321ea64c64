package dev.arborist.serving;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The fields of a completion or chat request this server acts on, checked for type and range.
 *
 * @param prompt the text to continue (chat messages already rendered by {@link ChatTemplate})
 * @param maxTokens null: as many as the context allows
 * @param ignoreEos vLLM's extension: keep generating past the end-of-sequence token
 * @param sloClass the request's service class (e.g. {@code interactive}, {@code batch}); null when not given
 */
record CompletionRequest(
        String model, String prompt, Integer maxTokens, double temperature, double topP, long seed,
        boolean stream, boolean includeUsage, boolean ignoreEos, String sloClass) {
    /** The header a gateway sets; it wins over the body's {@code slo_class}. */
    static final String SLO_CLASS_HEADER = "x-arborist-slo-class";
    private static final Pattern SLO_CLASS = Pattern.compile("[a-z0-9_-]{1,32}");

    /** This request with the SLO class of the {@value #SLO_CLASS_HEADER} header, if the request had one. */
    CompletionRequest withSloClassHeader(String header) {
        if (header == null) {
            return this;
        }
        return new CompletionRequest(model, prompt, maxTokens, temperature, topP, seed, stream, includeUsage, ignoreEos,
                sloClass(header, SLO_CLASS_HEADER));
    }

    private static String sloClass(String value, String where) {
        if (value != null && !SLO_CLASS.matcher(value).matches()) {
            throw ApiError.invalid(where + " must be 1 to 32 of a-z, 0-9, '_' and '-'", where);
        }
        return value;
    }

    /** Reads a {@code /v1/completions} body ({@code prompt}: a string or an array of one string). */
    static CompletionRequest completion(JsonObject body) {
        Object prompt = body.getValue("prompt");
        if (prompt instanceof JsonArray list && list.size() == 1 && list.getValue(0) instanceof String only) {
            prompt = only;
        }
        if (!(prompt instanceof String text)) {
            throw Fields.wrongType("prompt", "a string (or an array of one string)");
        }
        Integer maxTokens = Fields.integer(body, "max_tokens");
        return common(body, text, maxTokens == null ? 16 : maxTokens); // OpenAI's default for completions
    }

    /** Reads a {@code /v1/chat/completions} body. */
    static CompletionRequest chat(JsonObject body) {
        Integer maxTokens = Fields.integer(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Fields.integer(body, "max_tokens");
        }
        return common(body, ChatTemplate.render(Fields.array(body, "messages")), maxTokens);
    }

    private static CompletionRequest common(JsonObject body, String prompt, Integer maxTokens) {
        String model = Fields.string(body, "model");
        if (model == null) {
            throw ApiError.invalid("'model' is required", "model");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw ApiError.invalid("max_tokens must be at least 1", "max_tokens");
        }
        double temperature = Fields.number(body, "temperature", 1.0);
        if (temperature < 0 || temperature > 2) {
            throw ApiError.invalid("temperature must be between 0 and 2", "temperature");
        }
        double topP = Fields.number(body, "top_p", 1.0);
        if (!(topP > 0 && topP <= 1)) {
            throw ApiError.invalid("top_p must be in (0, 1]", "top_p");
        }
        Integer n = Fields.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.invalid("only n = 1 is supported", "n");
        }
        Long seed = Fields.longValue(body, "seed");
        boolean stream = Fields.bool(body, "stream", false);
        JsonObject options = Fields.object(body, "stream_options");
        boolean includeUsage = options != null && Fields.bool(options, "include_usage", false);
        return new CompletionRequest(model, prompt, maxTokens, temperature, topP, seed == null ? System.nanoTime() : seed,
                stream, includeUsage, Fields.bool(body, "ignore_eos", false), sloClass(Fields.string(body, "slo_class"), "slo_class"));
    }
}
