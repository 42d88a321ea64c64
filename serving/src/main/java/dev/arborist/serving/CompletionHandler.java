package dev.arborist.serving;

import dev.arborist.model.gen.Sampler;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Handles {@code /v1/completions} and {@code /v1/chat/completions} on the event loop: parse, check
 * against the model, tokenize, queue. The model thread does the rest through a {@link TokenSink}.
 */
final class CompletionHandler {
    private final Scheduler scheduler;
    private final ServingMetrics metrics;

    CompletionHandler(Scheduler scheduler, ServingMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    void completions(RoutingContext ctx) {
        handle(ctx, CompletionRequest.completion(JsonBodies.parse(ctx.body().buffer())), ResponseFormat.TEXT, "cmpl-");
    }

    void chat(RoutingContext ctx) {
        handle(ctx, CompletionRequest.chat(JsonBodies.parse(ctx.body().buffer())), ResponseFormat.CHAT, "chatcmpl-");
    }

    private void handle(RoutingContext ctx, CompletionRequest body, ResponseFormat format, String idPrefix) {
        CompletionRequest request = body.withSloClassHeader(ctx.request().getHeader(CompletionRequest.SLO_CLASS_HEADER));
        LoadedModel model = scheduler.model();
        if (model == null) {
            throw ApiError.unavailable("the model is still loading");
        }
        if (!model.name().equals(request.model())) {
            throw ApiError.unknownModel(request.model());
        }
        int[] prompt = model.tokenizer().encode(request.prompt());
        int maxTokens = checkLength(prompt.length, request.maxTokens(), model.contextLength());
        String id = idPrefix + UUID.randomUUID().toString().replace("-", "");
        ResponseFormat.Ids ids = new ResponseFormat.Ids(id, System.currentTimeMillis() / 1000, model.name());
        HttpServerResponse response = ctx.response();
        Context context = ctx.vertx().getOrCreateContext();
        Responders.Streaming streaming = request.stream() ? new Responders.Streaming(response, format, ids, request.includeUsage()) : null;
        TokenSink sink = streaming != null ? TokenSink.onContext(context, streaming) : new Responders.Buffered(response, context, format, ids);
        Sampler sampler = Sampler.of(request.temperature(), request.topP(), request.seed());
        int eos = request.ignoreEos() ? -1 : model.tokenizer().eosId();
        Sequence sequence = new Sequence(id, prompt, maxTokens, eos, sampler, sink, request.sloClass());
        if (!scheduler.submit(sequence)) {
            metrics.refused("rejected");
            response.putHeader("Retry-After", "1");
            throw ApiError.overloaded();
        }
        if (streaming != null) {
            streaming.begin(); // sink calls come later: they are queued on this same context
        }
        response.closeHandler(v -> sequence.cancel());
    }

    /** @return the max_tokens to use; a 400 if prompt and continuation cannot fit the context */
    private static int checkLength(int promptTokens, Integer maxTokens, int context) {
        if (promptTokens == 0) {
            throw ApiError.invalid("the prompt is empty", "prompt");
        }
        if (promptTokens >= context) {
            throw ApiError.contextExceeded("This model's maximum context length is " + context + " tokens, but the prompt has "
                    + promptTokens + " tokens; shorten it", "prompt");
        }
        if (maxTokens == null) {
            return context - promptTokens;
        }
        if (promptTokens + maxTokens > context) {
            throw ApiError.contextExceeded("This model's maximum context length is " + context + " tokens. However, you requested "
                    + (promptTokens + maxTokens) + " tokens (" + promptTokens + " in the prompt, " + maxTokens
                    + " for the completion); reduce max_tokens or the prompt", "max_tokens");
        }
        return maxTokens;
    }
}
