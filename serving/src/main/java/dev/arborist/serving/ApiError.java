package dev.arborist.serving;

import io.vertx.core.json.JsonObject;

/** A request the API refuses, with its HTTP status and OpenAI-style error body. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    private ApiError(int status, String type, String message, String param, String code) {
        super(message, null, false, false); // a client error: no stack trace to fill
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    public static ApiError contextExceeded(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded");
    }

    public static ApiError unknownModel(String model) {
        return new ApiError(404, "invalid_request_error", "The model '" + model + "' does not exist", "model", "model_not_found");
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request body exceeds " + limit + " bytes", null, "request_too_large");
    }

    public static ApiError unsupportedMediaType(String contentType) {
        return new ApiError(415, "invalid_request_error",
                "Content-Type must be application/json, got " + (contentType == null ? "none" : contentType), null, null);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", "missing or invalid bearer token for the admin API", null, "invalid_api_key");
    }

    public static ApiError notFound(String message, String param) {
        return new ApiError(404, "invalid_request_error", message, param, "not_found");
    }

    /** No route serves this path. */
    public static ApiError unknownRoute(String method, String path) {
        return new ApiError(404, "invalid_request_error", "Unknown request URL: " + method + " " + path, null, "unknown_url");
    }

    /** The path exists but not for this method. */
    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "invalid_request_error", "Method " + method + " is not allowed for " + path, null, "method_not_allowed");
    }

    /** Any other client error the router produces by itself (400, 406, ...), keeping its status. */
    public static ApiError clientError(int status, String message) {
        if (status < 400 || status >= 500) {
            throw new IllegalArgumentException("not a client error status: " + status);
        }
        return new ApiError(status, "invalid_request_error", message, null, null);
    }

    public static ApiError conflict(String message) {
        return new ApiError(409, "invalid_request_error", message, null, "conflict");
    }

    /** A plan artifact that cannot be served: corrupted, built for another model, or failing warm-up. */
    public static ApiError planRejected(String message) {
        return new ApiError(422, "invalid_request_error", message, "path", "plan_rejected");
    }

    public static ApiError overloaded() {
        return new ApiError(429, "rate_limit_error", "the server is busy: the request queue is full, retry later", null, "queue_full");
    }

    public static ApiError unavailable(String why) {
        return new ApiError(503, "service_unavailable", why, null, null);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, null);
    }

    public int status() {
        return status;
    }

    public JsonObject toJson() {
        return new JsonObject().put("error", new JsonObject()
                .put("message", getMessage())
                .put("type", type)
                .put("param", param)
                .put("code", code));
    }
}
