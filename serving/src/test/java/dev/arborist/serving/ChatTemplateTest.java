package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    @Test
    @DisplayName("messages become 'Role: content' lines ending in 'Assistant:'; text parts are joined")
    void renders() {
        JsonArray messages = new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "Be brief."))
                .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "Hi "))
                        .add(new JsonObject().put("type", "text").put("text", "there"))));
        assertThat(ChatTemplate.render(messages)).isEqualTo("System: Be brief.\nUser: Hi there\nAssistant:");
    }

    @Test
    @DisplayName("an unknown role is a 400 naming the message")
    void unknownRole() {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "wizard").put("content", "x"));
        assertThatThrownBy(() -> ChatTemplate.render(messages)).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.toJson().getJsonObject("error").getString("param")).isEqualTo("messages[0].role"));
    }
}
