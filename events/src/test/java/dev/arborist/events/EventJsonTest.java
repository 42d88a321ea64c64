package dev.arborist.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static final String SHA = "a".repeat(64);

    @Test
    @DisplayName("every event type survives encode then parse, with schema first and snake_case fields")
    void roundTrips() {
        RequestEvent request = new RequestEvent("r1", "replica-a", "prod", null, 2, EventJson.tree(Map.of("ffn_fraction", 0.5)),
                12, 5, 0.01, 0.2, 0.05, 0.4, "length", new RequestEvent.Features(12, "batch", "short", 3),
                new RequestEvent.Shadow(5, -2.5, -2.4), "2026-11-26T14:00:00Z");
        assertThat(request.encode()).startsWith("{\"schema\":\"arborist.request.v1\"").contains("\"prompt_tokens\":12")
                .doesNotContain("plan_id"); // absent rather than null
        assertThat(RequestEvent.parse(request.encode())).usingRecursiveComparison().isEqualTo(request);

        StatsSketch sketch = new StatsSketch("prod", "replica-a", "t0", "t1", 8, 100, 12, 40, 2,
                List.of(new StatsSketch.Layer(0, 0.1, new long[] {3, 5}, new double[] {1.5, 2.5},
                        List.of(new StatsSketch.Channels(0, 3, new double[] {1, 2})), new StatsSketch.Channels(-1, 8, new double[] {4}))));
        assertThat(StatsSketch.parse(sketch.encode())).usingRecursiveComparison().isEqualTo(sketch);

        ModelUpdate update = new ModelUpdate("prod", "p1", "/store/p1", SHA, "b".repeat(64), "slo", 3);
        assertThat(ModelUpdate.parse(update.encode())).isEqualTo(update);
        assertThat(update.atRung(1, "headroom").rung()).isEqualTo(1);

        Decision decision = new Decision("prod", "agent", "sparser", "p1", "p95 over target", 0, 1,
                Map.of("e2e_p95_seconds", 1.4), Map.of("decode_speedup", 1.3), null, 1.04, "t");
        assertThat(Decision.parse(decision.encode())).isEqualTo(decision);
    }

    @Test
    @DisplayName("the optional agent fields (sequence numbers, sampled prompt tokens) round-trip and stay absent when unset")
    void optionalAgentFields() {
        RequestEvent plain = new RequestEvent("r1", "a", "prod", null, null, null, 3, 1, 0, 0.1, null, 0.2, "stop", null, null, "t");
        assertThat(plain.encode()).doesNotContain("prompt_token_ids");
        RequestEvent sampled = plain.withPromptTokenIds(new int[] {5, 6, 7});
        assertThat(sampled.encode()).contains("\"prompt_token_ids\":[5,6,7]");
        assertThat(RequestEvent.parse(sampled.encode()).promptTokenIds()).containsExactly(5, 6, 7);

        ModelUpdate update = new ModelUpdate("prod", "p1", "/store/p1", SHA, "b".repeat(64), "drift", 2).withSequence(41);
        assertThat(ModelUpdate.parse(update.encode())).isEqualTo(update);
        assertThat(update.atRung(1, "headroom").sequence()).isNull();

        Decision measured = new Decision("prod", "agent", "sparser", "p1", "effect", 0, 1, null, null, Map.of("e2e_p95_seconds", 0.9),
                1.04, "t", 43L, 42L);
        assertThat(Decision.parse(measured.encode())).isEqualTo(measured);
        assertThat(Decision.swap("prod", "a", "swapped", "p1", null).encode()).doesNotContain("sequence").doesNotContain("follows");

        StatsSketch permuted = new StatsSketch("prod", "a", "t0", "t1", 8, 10, 2, 6, 2, List.of(), "p1", 3);
        assertThat(permuted.encode()).contains("\"plan_id\":\"p1\"").contains("\"rung\":3");
        assertThat(StatsSketch.parse(permuted.encode())).usingRecursiveComparison().isEqualTo(permuted);
        assertThat(new StatsSketch("prod", "a", "t0", "t1", 8, 10, 2, 6, 2, List.of()).encode()).doesNotContain("plan_id");
    }

    @Test
    @DisplayName("malformed values, wrong schemas and invalid fields are rejected with a message naming the problem")
    void rejects() {
        assertThatThrownBy(() -> ModelUpdate.parse("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ModelUpdate.parse("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ModelUpdate.parse("{\"schema\":\"arborist.model-update.v0\"}")).hasMessageContaining("expected arborist.model-update.v1");
        String badHash = new ModelUpdate("prod", "p1", "/x", SHA, "b", null).encode().replace(SHA, "XYZ");
        assertThatThrownBy(() -> ModelUpdate.parse(badHash)).hasMessageContaining("'sha256' must be 64 lower-case hex digits");
        assertThatThrownBy(() -> RequestEvent.parse("{\"schema\":\"arborist.request.v1\",\"prompt_tokens\":\"many\"}"))
                .hasMessageContaining("malformed arborist.request.v1");
        assertThatThrownBy(() -> StatsSketch.parse("{\"schema\":\"arborist.stats.v1\",\"layers\":[]}"))
                .hasMessage("malformed arborist.stats.v1 at 'sample_every': Cannot map `null` into type `int`");
        String noDeployment = new StatsSketch(" ", "r", "t0", "t1", 1, 1, 1, 1, null, List.of()).encode();
        assertThatThrownBy(() -> StatsSketch.parse(noDeployment)).hasMessageContaining("'deployment' must be a non-empty string");
        assertThat(EventJson.schemaOf("{\"schema\":\"arborist.stats.v1\"}")).isEqualTo("arborist.stats.v1");
        assertThat(EventJson.schemaOf("garbage")).isNull();
    }
}
