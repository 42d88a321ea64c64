package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SurgeRuleTest {
    private static final long MS = 1_000_000;

    @Test
    @DisplayName("no surge below the threshold; one rung at it, one more per further third of it")
    void rungsByAge() {
        SurgeRule rule = new SurgeRule(Duration.ofMillis(300));
        assertThat(rule.extraRungs(0)).isZero();
        assertThat(rule.extraRungs(299 * MS)).isZero();
        assertThat(rule.extraRungs(300 * MS)).isEqualTo(1);
        assertThat(rule.extraRungs(399 * MS)).isEqualTo(1);
        assertThat(rule.extraRungs(400 * MS)).isEqualTo(2);
        assertThat(rule.extraRungs(600 * MS)).isEqualTo(4);
        assertThat(rule.extraRungs(Long.MAX_VALUE / 4)).isPositive();
        assertThatThrownBy(() -> new SurgeRule(Duration.ZERO)).hasMessageContaining("positive duration");
        assertThatThrownBy(() -> new SurgeRule(null)).hasMessageContaining("positive duration");
    }

    @Test
    @DisplayName("the floor is the base rung plus the surge, clamped to the ladder; none without a surge or under a pin")
    void floor() {
        RungSelector selector = new RungSelector(4, 1);
        assertThat(selector.surgeFloor(0)).isZero();
        assertThat(selector.surgeFloor(1)).isEqualTo(2);
        assertThat(selector.surgeFloor(5)).isEqualTo(3);
        assertThat(selector.surges(1)).isTrue();
        assertThat(selector.surges(0)).isFalse();
        selector.moveBaseRung(3);
        assertThat(selector.surges(1)).as("already at the ladder's end").isFalse();
        selector.pin(0);
        assertThat(selector.surgeFloor(2)).as("a pin is an order").isZero();
        assertThat(selector.surges(2)).isFalse();
    }

    @Test
    @DisplayName("the surge threshold travels in the config's JSON; a non-positive one is refused")
    void config() {
        ServingConfig config = ServingConfig.of(Path.of("models/m")).withSurgeAfter(Duration.ofMillis(380));
        ServingConfig back = ServingConfig.fromJson(new JsonObject(config.toJson().encode()));
        assertThat(back.surgeAfter()).isEqualTo(Duration.ofMillis(380));
        assertThat(back.surge()).isEqualTo(new SurgeRule(Duration.ofMillis(380)));
        assertThat(ServingConfig.fromJson(ServingConfig.of(Path.of("models/m")).toJson()).surge()).isNull();
        assertThatThrownBy(() -> config.withSurgeAfter(Duration.ofMillis(-1))).hasMessageContaining("positive duration");
    }
}
