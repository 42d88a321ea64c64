package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.model.nn.Level;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LevelJsonTest {

    @Test
    @DisplayName("a level survives a JSON round trip, skipped layers in order")
    void roundTrip() {
        Level level = Level.of(0.625, 6, 1, Set.of(5, 3), 0.3);
        String json = LevelJson.encode(level).toString();
        assertThat(json).contains("\"ffn_fraction\":0.625", "\"skipped_layers\":[3,5]", "\"skip_beta\":0.3");
        assertThat(LevelJson.parse(json)).isEqualTo(level);
    }

    @Test
    @DisplayName("a missing or mistyped field is named; out-of-range values get the level's own message")
    void rejectsBadJson() {
        assertThatThrownBy(() -> LevelJson.parse("{\"experts_kept\":8,\"kv_groups_kept\":2,\"skipped_layers\":[],\"skip_beta\":0}"))
                .hasMessageContaining("lacks the number 'ffn_fraction'");
        assertThatThrownBy(() -> LevelJson.parse("{\"ffn_fraction\":1,\"experts_kept\":8.5,\"kv_groups_kept\":2,\"skipped_layers\":[],\"skip_beta\":0}"))
                .hasMessageContaining("lacks the integer 'experts_kept'");
        assertThatThrownBy(() -> LevelJson.parse("{\"ffn_fraction\":1,\"experts_kept\":8,\"kv_groups_kept\":2,\"skip_beta\":0}"))
                .hasMessageContaining("'skipped_layers'");
        assertThatThrownBy(() -> LevelJson.parse("{\"ffn_fraction\":1,\"experts_kept\":8,\"kv_groups_kept\":2,\"skipped_layers\":[\"a\"],\"skip_beta\":0}"))
                .hasMessageContaining("layer indices");
        assertThatThrownBy(() -> LevelJson.parse("{\"ffn_fraction\":2,\"experts_kept\":8,\"kv_groups_kept\":2,\"skipped_layers\":[],\"skip_beta\":0}"))
                .hasMessageContaining("ffn fraction must be in (0, 1]");
        assertThatThrownBy(() -> LevelJson.parse("[1, 2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> LevelJson.parse("{oops")).hasMessageContaining("must be JSON");
    }
}
