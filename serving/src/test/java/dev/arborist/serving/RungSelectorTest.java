package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.policies.control.PolicyTable;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RungSelectorTest {
    private static final PolicyTable.Features CHAT = new PolicyTable.Features("interactive", "short", 1);
    private static final PolicyTable.Features BATCH = new PolicyTable.Features("batch", "long", 3);

    private static PolicyTable.Entry entry(PolicyTable.Features f, int rung) {
        return new PolicyTable.Entry(f.sloClass(), f.lengthBucket(), f.signature(), rung, 10, 0.01, 0.2);
    }

    @Test
    @DisplayName("a request runs at max(base, its table entry); without an entry at the base; a table beyond the ladder is refused")
    void tableAndBase() {
        RungSelector selector = new RungSelector(4, 1);
        assertThat(selector.rungFor(BATCH)).isEqualTo(1);
        selector.policy(new PolicyTable(0, List.of(entry(BATCH, 2), entry(CHAT, 0))));
        assertThat(selector.rungFor(BATCH)).isEqualTo(2);
        assertThat(selector.rungFor(CHAT)).isEqualTo(1); // the table never takes anyone denser than the base
        assertThatThrownBy(() -> selector.policy(new PolicyTable(0, List.of(entry(BATCH, 9)))))
                .hasMessageContaining("to rung 9; the ladder has rungs 0..3");
        assertThat(selector.rungFor(BATCH)).as("a refused table changes nothing").isEqualTo(2);
        assertThat(selector.policy(new PolicyTable(0, List.of(entry(BATCH, 3))))).isTrue();
        assertThat(selector.policy(new PolicyTable(0, List.of(entry(BATCH, 3))))).as("the same table again").isFalse();
        assertThat(selector.rungFor(BATCH)).isEqualTo(3);
        assertThat(selector.moveBaseRung(3)).isEqualTo(1);
        assertThat(selector.rungFor(CHAT)).isEqualTo(3);
    }

    @Test
    @DisplayName("a pin wins over base and table until it is cleared")
    void pin() {
        RungSelector selector = new RungSelector(3, 2);
        selector.policy(new PolicyTable(0, List.of(entry(BATCH, 2))));
        selector.pin(0);
        assertThat(selector.rungFor(BATCH)).isZero();
        assertThat(selector.state().pinned()).isZero();
        selector.pin(null);
        assertThat(selector.rungFor(BATCH)).isEqualTo(2);
        assertThat(selector.state().pinned()).isNull();
    }

    @Test
    @DisplayName("rungs off the ladder are refused with the range, and nothing changes")
    void offTheLadder() {
        RungSelector selector = new RungSelector(3, 0);
        assertThatThrownBy(() -> selector.moveBaseRung(3)).hasMessageContaining("use 0..2");
        assertThatThrownBy(() -> selector.pin(-1)).hasMessageContaining("use 0..2");
        assertThatThrownBy(() -> new RungSelector(3, 5)).hasMessageContaining("base rung 5");
        assertThat(selector.state()).isEqualTo(new RungSelector.State(0, RungSelector.allAtBase(), null));
    }
}
