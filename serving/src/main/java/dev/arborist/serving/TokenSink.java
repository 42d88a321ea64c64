package dev.arborist.serving;

import dev.arborist.model.gen.FinishReason;

/**
 * Receives one sequence's output. The scheduler calls it on the model thread; {@link #onContext}
 * hands every call over to a Vert.x context so HTTP code only ever runs on its event loop.
 */
public interface TokenSink {
    /** A non-empty piece of text, in order. */
    void onText(String delta);

    /** The sequence ended normally; no more calls follow. */
    void onFinish(FinishReason reason, Usage usage);

    /** The sequence failed or was cancelled by the server; no more calls follow. */
    void onError(ApiError error);

    /** Token counts of one request, as in the OpenAI {@code usage} object. */
    record Usage(int promptTokens, int completionTokens) {
        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    /** Runs every call of {@code target} on {@code context} (thread-safe handoff from the model thread). */
    static TokenSink onContext(io.vertx.core.Context context, TokenSink target) {
        return new TokenSink() {
            @Override
            public void onText(String delta) {
                context.runOnContext(v -> target.onText(delta));
            }

            @Override
            public void onFinish(FinishReason reason, Usage usage) {
                context.runOnContext(v -> target.onFinish(reason, usage));
            }

            @Override
            public void onError(ApiError error) {
                context.runOnContext(v -> target.onError(error));
            }
        };
    }
}
