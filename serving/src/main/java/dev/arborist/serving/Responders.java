package dev.arborist.serving;

import dev.arborist.model.gen.FinishReason;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Token sinks that answer over HTTP; whatever touches the response runs on the request's event loop. */
final class Responders {
    private Responders() {}

    static void sendJson(HttpServerResponse response, int status, JsonObject body) {
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
        }
    }

    /**
     * Collects the text where the tokens come from (the model thread) and hands only the finished
     * response to the request's context: one event-loop task per request instead of one per token.
     */
    static final class Buffered implements TokenSink {
        private final HttpServerResponse response;
        private final Context context;
        private final ResponseFormat format;
        private final ResponseFormat.Ids ids;
        private final StringBuilder text = new StringBuilder();

        Buffered(HttpServerResponse response, Context context, ResponseFormat format, ResponseFormat.Ids ids) {
            this.response = response;
            this.context = context;
            this.format = format;
            this.ids = ids;
        }

        @Override
        public void onText(String delta) {
            text.append(delta);
        }

        @Override
        public void onFinish(FinishReason reason, Usage usage) {
            String all = text.toString();
            context.runOnContext(v -> sendJson(response, 200, format.full(ids, all, reason, usage)));
        }

        @Override
        public void onError(ApiError error) {
            context.runOnContext(v -> sendJson(response, error.status(), error.toJson()));
        }
    }

    /** Server-Sent Events: one {@code data:} line per chunk, then {@code data: [DONE]}. */
    static final class Streaming implements TokenSink {
        private final HttpServerResponse response;
        private final ResponseFormat format;
        private final ResponseFormat.Ids ids;
        private final boolean includeUsage;

        Streaming(HttpServerResponse response, ResponseFormat format, ResponseFormat.Ids ids, boolean includeUsage) {
            this.response = response;
            this.format = format;
            this.ids = ids;
            this.includeUsage = includeUsage;
        }

        /** Sends the headers and the opening chunk; call once the request is accepted. */
        void begin() {
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache");
            JsonObject opening = format.opening(ids);
            if (opening != null) {
                event(opening.encode());
            }
        }

        @Override
        public void onText(String delta) {
            event(format.chunk(ids, delta, null).encode());
        }

        @Override
        public void onFinish(FinishReason reason, Usage usage) {
            event(format.chunk(ids, null, reason).encode());
            if (includeUsage) {
                event(format.usageChunk(ids, usage).encode());
            }
            end();
        }

        @Override
        public void onError(ApiError error) {
            event(error.toJson().encode()); // headers are gone already: report in-band, as OpenAI does
            end();
        }

        private void event(String data) {
            if (!response.closed() && !response.ended()) {
                response.write("data: " + data + "\n\n");
            }
        }

        private void end() {
            if (!response.closed() && !response.ended()) {
                response.end("data: [DONE]\n\n");
            }
        }
    }
}
