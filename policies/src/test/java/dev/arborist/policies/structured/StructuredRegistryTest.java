package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.policies.PruningMethods;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StructuredRegistryTest {

    @Test
    @DisplayName("the CLI and the agent can name every structured method")
    void registered() {
        assertThat(PruningMethods.names()).contains("ffn-channels", "heads", "layers", "experts", "expert-skip");
        assertThat(PruningMethods.create("experts")).isInstanceOf(ExpertPruning.class);
        assertThat(PruningMethods.create("expert-skip")).isInstanceOf(ExpertSkipping.class);
    }
}
