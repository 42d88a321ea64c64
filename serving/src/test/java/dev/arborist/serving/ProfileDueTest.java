package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProfileDueTest {

    @Test
    @DisplayName("nothing owed, nothing taken, idle or not")
    void nothingOwed() {
        ProfileDue due = new ProfileDue();
        assertThat(due.take(true)).isFalse();
        assertThat(due.take(false)).isFalse();
    }

    @Test
    @DisplayName("an owed profile waits while the model thread is busy and is taken at the first idle moment, once")
    void waitsForIdle() {
        ProfileDue due = new ProfileDue();
        due.owe();
        assertThat(due.take(false)).isFalse();
        assertThat(due.take(false)).isFalse();
        assertThat(due.take(true)).isTrue();
        assertThat(due.take(true)).isFalse();
    }

    @Test
    @DisplayName("idle moments pay the debt one profile at a time")
    void oneAtATime() {
        ProfileDue due = new ProfileDue();
        due.owe();
        due.owe();
        assertThat(due.take(true)).isTrue();
        assertThat(due.owed()).isEqualTo(1);
        assertThat(due.take(true)).isTrue();
        assertThat(due.owed()).isZero();
    }

    @Test
    @DisplayName("under sustained load one profile is taken per MAX_OWED owed, and the rest forgiven")
    void saturation() {
        ProfileDue due = new ProfileDue();
        int taken = 0;
        for (int i = 0; i < 10 * ProfileDue.MAX_OWED; i++) {
            due.owe();
            if (due.take(false)) {
                taken++;
            }
        }
        assertThat(taken).isEqualTo(10);
        assertThat(due.owed()).isZero();
    }

    @Test
    @DisplayName("the debt never grows beyond MAX_OWED: a long busy spell is not paid back in the idle time after it")
    void bounded() {
        ProfileDue due = new ProfileDue();
        for (int i = 0; i < 3 * ProfileDue.MAX_OWED; i++) {
            due.owe();
        }
        assertThat(due.owed()).isEqualTo(ProfileDue.MAX_OWED);
    }
}
