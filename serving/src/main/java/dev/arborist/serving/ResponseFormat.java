package dev.arborist.serving;

import dev.arborist.model.gen.FinishReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON shapes of one endpoint: a whole response, and the chunks of a streamed one. */
interface ResponseFormat {
    ResponseFormat TEXT = new Text();
    ResponseFormat CHAT = new Chat();

    JsonObject full(Ids ids, String text, FinishReason reason, TokenSink.Usage usage);

    /** A chunk carrying {@code delta} (may be null) and, on the last one, the finish reason. */
    JsonObject chunk(Ids ids, String delta, FinishReason reason);

    /** The chunk that opens a stream, or null when the format has none. */
    JsonObject opening(Ids ids);

    String chunkObject();

    /** Response id, creation time (Unix seconds) and model, shared by every chunk of one response. */
    record Ids(String id, long created, String model) {
        JsonObject envelope(String object) {
            return new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model);
        }
    }

    static JsonObject usage(TokenSink.Usage usage) {
        return new JsonObject()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
    }

    /** The usage-only chunk that ends a stream with {@code stream_options.include_usage}. */
    default JsonObject usageChunk(Ids ids, TokenSink.Usage usage) {
        return ids.envelope(chunkObject()).put("choices", new JsonArray()).put("usage", usage(usage));
    }

    /** {@code /v1/completions}: {@code text_completion} objects with {@code choices[].text}. */
    final class Text implements ResponseFormat {
        @Override
        public JsonObject full(Ids ids, String text, FinishReason reason, TokenSink.Usage usage) {
            return ids.envelope("text_completion").put("choices", new JsonArray().add(choice(text, reason))).put("usage", usage(usage));
        }

        @Override
        public JsonObject chunk(Ids ids, String delta, FinishReason reason) {
            return ids.envelope(chunkObject()).put("choices", new JsonArray().add(choice(delta == null ? "" : delta, reason)));
        }

        @Override
        public JsonObject opening(Ids ids) {
            return null;
        }

        @Override
        public String chunkObject() {
            return "text_completion";
        }

        private static JsonObject choice(String text, FinishReason reason) {
            return new JsonObject().put("index", 0).put("text", text).putNull("logprobs").put("finish_reason", reason == null ? null : reason.apiName());
        }
    }

    /** {@code /v1/chat/completions}: {@code chat.completion} and {@code chat.completion.chunk} objects. */
    final class Chat implements ResponseFormat {
        @Override
        public JsonObject full(Ids ids, String text, FinishReason reason, TokenSink.Usage usage) {
            JsonObject message = new JsonObject().put("role", "assistant").put("content", text);
            JsonObject choice = new JsonObject().put("index", 0).put("message", message).putNull("logprobs").put("finish_reason", reason.apiName());
            return ids.envelope("chat.completion").put("choices", new JsonArray().add(choice)).put("usage", usage(usage));
        }

        @Override
        public JsonObject chunk(Ids ids, String delta, FinishReason reason) {
            JsonObject d = delta == null ? new JsonObject() : new JsonObject().put("content", delta);
            return withDelta(ids, d, reason);
        }

        @Override
        public JsonObject opening(Ids ids) {
            return withDelta(ids, new JsonObject().put("role", "assistant").put("content", ""), null);
        }

        @Override
        public String chunkObject() {
            return "chat.completion.chunk";
        }

        private JsonObject withDelta(Ids ids, JsonObject delta, FinishReason reason) {
            JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs").put("finish_reason", reason == null ? null : reason.apiName());
            return ids.envelope(chunkObject()).put("choices", new JsonArray().add(choice));
        }
    }
}
