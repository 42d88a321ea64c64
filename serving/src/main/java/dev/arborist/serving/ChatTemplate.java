package dev.arborist.serving;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * Turns chat messages into one prompt. The bundled models are plain-text language models with no
 * chat tokens, so the template is plain text too: each message becomes a line
 * {@code "<Role>: <content>\n"} ({@code System}, {@code User}, {@code Assistant}), and the prompt
 * ends with {@code "Assistant:"} for the model to continue. For example
 * {@code [{system: "Be brief."}, {user: "Hi"}]} becomes {@code "System: Be brief.\nUser: Hi\nAssistant:"}.
 * Content is a string or an array of {@code {"type": "text", "text": ...}} parts (joined).
 */
final class ChatTemplate {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private ChatTemplate() {}

    static String render(JsonArray messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array", "messages");
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject message)) {
                throw Fields.wrongType("messages[" + i + "]", "an object");
            }
            String role = Fields.string(message, "role");
            if (role == null || !ROLES.contains(role)) {
                throw ApiError.invalid("messages[" + i + "].role must be one of " + ROLES, "messages[" + i + "].role");
            }
            String label = role.equals("developer") ? "System" : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
            prompt.append(label).append(": ").append(content(message, i)).append('\n');
        }
        return prompt.append("Assistant:").toString();
    }

    private static String content(JsonObject message, int index) {
        Object content = message.getValue("content");
        if (content instanceof String text) {
            return text;
        }
        if (content instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (!(part instanceof JsonObject p) || !"text".equals(p.getValue("type")) || !(p.getValue("text") instanceof String t)) {
                    throw ApiError.invalid("messages[" + index + "].content parts must be {\"type\": \"text\", \"text\": ...}", "messages[" + index + "].content");
                }
                text.append(t);
            }
            return text.toString();
        }
        throw Fields.wrongType("messages[" + index + "].content", "a string or an array of text parts");
    }
}
