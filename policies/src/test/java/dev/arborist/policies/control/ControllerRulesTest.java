package dev.arborist.policies.control;

import static dev.arborist.policies.control.Ladders.E2E_1S;
import static dev.arborist.policies.control.Ladders.FIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Single rules of the controller, on hand-made windows (10 s each, window i starts at T0 + 10 i s). */
class ControllerRulesTest {
    private static final Instant T0 = Simulation.T0;

    private static WindowSummary window(int i, long requests, double e2e, int rung) {
        Instant start = T0.plusSeconds(10L * i);
        return new WindowSummary(start, start.plusSeconds(10), requests, null, null, e2e, 100, rung);
    }

    private static ControlDecision feed(Controller c, int i, long requests, double e2e) {
        WindowSummary w = window(i, requests, e2e, c.currentRung());
        return c.decide(w, w.end());
    }

    @Test
    @DisplayName("a violating window moves one rung sparser and the reason and audit maps carry the numbers")
    void violationMovesSparser() {
        Controller c = new Controller(E2E_1S, FIVE);
        ControlDecision d = feed(c, 0, 100, 1.42);

        assertThat(d.action()).isEqualTo(Action.SPARSER);
        assertThat(d.fromRung()).isZero();
        assertThat(d.toRung()).isEqualTo(1);
        assertThat(d.reason()).startsWith("e2e p95 1.42 s > target 1.00 s for 1 window(s); rung 0 -> 1");
        assertThat(d.observed()).containsEntry("e2e_p95_seconds", 1.42).containsEntry("requests", 100.0);
        assertThat(d.expected()).containsEntry("decode_speedup", 1.25).containsEntry("perplexity_ratio", 1.03);
        assertThat(d.expected().get("latency_ratio")).isCloseTo(0.8, within(1e-12));
        assertThat(c.currentRung()).isEqualTo(1);
    }

    @Test
    @DisplayName("windows with fewer than min_requests are not evidence: HOLD, and the streak carries over them")
    void thinWindowsAreIgnored() {
        SloSpec spec = SloSpec.builder("chat").e2eP95Seconds(1.0).qualityBudget(0.1).violationWindows(2).minRequests(5).build();
        Controller c = new Controller(spec, FIVE);

        assertThat(feed(c, 0, 100, 1.5).reason()).contains("for 1 of 2 window(s) needed");
        ControlDecision thin = feed(c, 1, 4, 0.1);
        assertThat(thin.action()).isEqualTo(Action.HOLD);
        assertThat(thin.reason()).contains("only 4 request(s)").contains("min_requests 5");
        assertThat(feed(c, 2, 3, 9.0).action()).isEqualTo(Action.HOLD);
        assertThat(feed(c, 3, 100, 1.5).action()).isEqualTo(Action.SPARSER);
    }

    @Test
    @DisplayName("within the cool-down a violation holds and says so; after it the controller moves again")
    void coolDownHolds() {
        Controller c = new Controller(E2E_1S, FIVE);
        feed(c, 0, 100, 1.5); // move at T0 + 10 s
        ControlDecision during = feed(c, 1, 100, 1.3);

        assertThat(during.action()).isEqualTo(Action.HOLD);
        assertThat(during.reason()).contains("the last move was 10 s ago (cool-down 30 s)");
        assertThat(feed(c, 2, 100, 1.3).action()).isEqualTo(Action.HOLD);
        assertThat(feed(c, 3, 100, 1.3).action()).isEqualTo(Action.SPARSER); // T0 + 40 s: 30 s after the move
    }

    @Test
    @DisplayName("windows on another rung or begun before the move are not evidence")
    void windowsThatDoNotDescribeTheCurrentRung() {
        Controller c = new Controller(E2E_1S, FIVE);
        feed(c, 0, 100, 1.5);

        ControlDecision oldRung = c.decide(window(1, 100, 1.5, 0), T0.plusSeconds(20));
        assertThat(oldRung.reason()).contains("ran on rung 0 but the controller chose rung 1");
        Instant start = T0.plusSeconds(5);
        ControlDecision straddling = c.decide(new WindowSummary(start, start.plusSeconds(10), 100, null, null, 1.5, 100, 1), start.plusSeconds(10));
        assertThat(straddling.reason()).contains("began before the move");
        assertThat(c.state().violationStreak()).isZero();
    }

    @Test
    @DisplayName("with max_step 3 it jumps to the nearest rung expected to bring p95 to the middle of the band, not the farthest")
    void boundedStepTakesTheNearestSufficientRung() {
        SloSpec spec = SloSpec.builder("chat").e2eP95Seconds(1.0).qualityBudget(0.1).maxStep(3).build();
        // the band's middle is 0.85 of the target: 1.2 / 1.25 = 0.96 would only just meet it, 1.2 / 1.5 = 0.80 has a margin
        ControlDecision d = feed(new Controller(spec, FIVE), 0, 100, 1.2);

        assertThat(d.toRung()).isEqualTo(2);
        ControlDecision far = feed(new Controller(spec, FIVE), 0, 100, 3.0); // nothing within budget suffices
        assertThat(far.toRung()).isEqualTo(3);
    }

    @Test
    @DisplayName("under a guard line at 95% of the target a window closing in on it moves sparser before one breaks it, and every"
            + " move aims at the middle of the narrower band, (70% + 95%) / 2")
    void guardActsBeforeTheTarget() {
        SloSpec guarded = SloSpec.builder("chat").e2eP95Seconds(1.0).qualityBudget(0.1).maxStep(3).guardFraction(0.95).build();
        SloSpec unguarded = SloSpec.builder("chat").e2eP95Seconds(1.0).qualityBudget(0.1).maxStep(3).build();

        ControlDecision close = feed(new Controller(guarded, FIVE), 0, 100, 0.94);
        assertThat(close.action()).isEqualTo(Action.HOLD);
        assertThat(close.reason()).isEqualTo("within SLO: e2e p95 0.94 s <= 0.95 s (95% of target 1.00 s)");
        ControlDecision early = feed(new Controller(guarded, FIVE), 0, 100, 0.97);
        assertThat(early.action()).isEqualTo(Action.SPARSER);
        assertThat(early.reason()).startsWith("e2e p95 0.97 s > 0.95 s (95% of target 1.00 s) for 1 window(s); rung 0 -> 1");
        assertThat(feed(new Controller(unguarded, FIVE), 0, 100, 0.97).action()).isEqualTo(Action.HOLD);
        // 1.05 / 1.25 = 0.84 on rung 1: within the unguarded 85%, above the guarded 82.5%, so the guard goes a rung further
        assertThat(feed(new Controller(unguarded, FIVE), 0, 100, 1.05).toRung()).isEqualTo(1);
        assertThat(feed(new Controller(guarded, FIVE), 0, 100, 1.05).toRung()).isEqualTo(2);

        // headroom at 0.69 on rung 2 is expected at 0.69 x 1.5 / 1.25 = 83% on rung 1: a denser move only without the guard
        Controller plain = new Controller(unguarded, FIVE, ControllerState.startingAt(2));
        Controller careful = new Controller(guarded, FIVE, ControllerState.startingAt(2));
        ControlDecision plainMove = null;
        ControlDecision carefulHold = null;
        for (int i = 0; i < 3; i++) {
            plainMove = feed(plain, i, 100, 0.69);
            carefulHold = feed(careful, i, 100, 0.69);
        }
        assertThat(plainMove.action()).isEqualTo(Action.DENSER);
        assertThat(carefulHold.action()).isEqualTo(Action.HOLD);
        assertThat(carefulHold.reason()).contains("on rung 1 the tightest p95 is expected at 83% of its target, above the 82.5% a denser move may aim for");
    }

    @Test
    @DisplayName("a SPARSER move is not rolled back for a rise that came with a much busier window")
    void busierWindowIsNotAVerdict() {
        assertThat(verdictAt(130, 1.5).action()).as("+25% latency at +30% load").isEqualTo(Action.SPARSER);

        ControlDecision worse = verdictAt(105, 1.5);
        assertThat(worse.action()).isEqualTo(Action.ROLLBACK);
        assertThat(worse.reason()).contains("e2e p95 rose from 1.20 s to 1.50 s (+25%, more than 10%)");
    }

    @Test
    @DisplayName("a SPARSER move is not rolled back for a rise that came with far fewer finished requests (a burst's late finishers)")
    void burstBacklogIsNotAVerdict() {
        assertThat(verdictAt(55, 1.5).action()).as("+25% latency at 55% of the finished requests").isEqualTo(Action.SPARSER);
    }

    /**
     * Moves rung 0 -> 1 on a violating window of 100 requests (1.2 s), waits out the cool-down, then
     * feeds verdict windows of {@code requests} at {@code e2e}: returns the first one's decision, or the
     * confirming window's when the first holds for it.
     */
    private static ControlDecision verdictAt(long requests, double e2e) {
        Controller c = movedToRungOne();
        return verdict(i -> feed(c, i, requests, e2e));
    }

    /** Window 3's decision, the verdict, or window 4's when window 3 holds for a confirming one. @param decideWindow feeds window i */
    private static ControlDecision verdict(IntFunction<ControlDecision> decideWindow) {
        ControlDecision first = decideWindow.apply(3);
        return first.action() == Action.HOLD ? decideWindow.apply(4) : first;
    }

    /** Moved rung 0 -> 1 on a violating window of 100 requests at 1.2 s, and waited out the cool-down. */
    private static Controller movedToRungOne() {
        Controller c = new Controller(E2E_1S, FIVE);
        feed(c, 0, 100, 1.2);
        feed(c, 1, 100, 1.1);
        feed(c, 2, 100, 1.1);
        return c;
    }

    @Test
    @DisplayName("one window saying a SPARSER move backfired is not a verdict: the controller holds, the move stands if the next"
            + " window does not say so too and is undone if it does, across a snapshot")
    void backfireNeedsConfirming() {
        Controller c = movedToRungOne();
        ControlDecision suspect = feed(c, 3, 100, 1.5);
        assertThat(suspect.action()).isEqualTo(Action.HOLD);
        assertThat(suspect.reason()).isEqualTo("after the move from rung 0 to 1, e2e p95 rose from 1.20 s to 1.50 s (+25%, more than"
                + " 10%) at a similar request rate (10.0/s, was 10.0/s); 1 more such window(s) would undo it");
        ControllerState pending = ControllerState.fromJson(c.state().toJson());
        assertThat(pending).isEqualTo(c.state());
        assertThat(pending.backfiredWindows()).isEqualTo(1);

        ControlDecision stands = feed(c, 4, 100, 0.8);
        assertThat(stands.action()).isEqualTo(Action.HOLD);
        assertThat(c.currentRung()).isEqualTo(1);
        assertThat(c.state().rungBeforeMove()).as("verdict given").isNull();
        assertThat(c.state().backfiredWindows()).isZero();

        ControlDecision undone = feed(new Controller(E2E_1S, FIVE, pending), 4, 100, 1.45);
        assertThat(undone.action()).isEqualTo(Action.ROLLBACK);
        assertThat(undone.toRung()).isZero();
        assertThat(undone.reason()).contains("e2e p95 rose from 1.20 s to 1.45 s");
    }

    @Test
    @DisplayName("a SPARSER move is not rolled back for a rise in queue wait (a backlog draining), but is for a rise in the served part")
    void backlogIsNotAVerdict() {
        // e2e 1.2 s with 0.2 s queued before the move; after it e2e 1.5 s: 0.5 s queued (a backlog) or 0.2 s (a slower rung)
        ControlDecision backlog = verdictAfter(1.2, 0.2, 1.5, 0.5);
        assertThat(backlog.action()).isEqualTo(Action.SPARSER);

        ControlDecision slower = verdictAfter(1.2, 0.2, 1.5, 0.2);
        assertThat(slower.action()).isEqualTo(Action.ROLLBACK);
        assertThat(slower.reason()).contains("e2e p95 less queue wait rose from 1.00 s to 1.30 s (+30%, more than 10%)");
    }

    /** Moves rung 0 -> 1 on a violating window, waits out the cool-down, then returns the verdict as {@link #verdictAt} does. */
    private static ControlDecision verdictAfter(double e2eBefore, double queueBefore, double e2eAfter, double queueAfter) {
        Controller c = new Controller(E2E_1S, FIVE);
        Instant start = T0;
        assertThat(c.decide(new WindowSummary(start, start.plusSeconds(10), 100, null, null, e2eBefore, queueBefore, 100, 0),
                start.plusSeconds(10)).action()).isEqualTo(Action.SPARSER);
        for (int i = 1; i < 3; i++) {
            feed(c, i, 100, 1.1);
        }
        return verdict(i -> {
            Instant at = T0.plusSeconds(10L * i);
            return c.decide(new WindowSummary(at, at.plusSeconds(10), 100, null, null, e2eAfter, queueAfter, 100, 1), at.plusSeconds(10));
        });
    }

    @Test
    @DisplayName("a DENSER move whose verdict window violates is rolled back and the denser rung is barred")
    void denserBackfire() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(1));
        feed(c, 0, 100, 0.4);
        feed(c, 1, 100, 0.4);
        ControlDecision denser = feed(c, 2, 100, 0.4);
        assertThat(denser.action()).isEqualTo(Action.DENSER);
        feed(c, 3, 100, 0.9);
        feed(c, 4, 100, 0.9);
        ControlDecision back = feed(c, 5, 100, 1.2);

        assertThat(back.action()).isEqualTo(Action.ROLLBACK);
        assertThat(back.toRung()).isEqualTo(1);
        assertThat(back.reason()).contains("after the move from rung 1 to 0, e2e p95 1.20 s > target 1.00 s");
        assertThat(c.state().penalties()).containsKey(0);
        assertThat(back.reason()).contains("so the next denser move needs 6 headroom windows");
        for (int i = 6; i < 12; i++) {
            feed(c, i, 100, 0.3);
        }
        assertThat(c.currentRung()).isEqualTo(1);
        assertThat(feed(c, 12, 100, 0.3).reason()).contains("rung 0 is barred until");
    }

    @Test
    @DisplayName("a denser move that a later burst undoes doubles the headroom streak the next one needs; one that stands"
            + " for the bar's span halves it again; the back-off survives a snapshot")
    void denserMovesUndoneByBurstsBackOff() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(1));
        for (int i = 0; i < 3; i++) {
            feed(c, i, 100, 0.4);
        }
        assertThat(c.currentRung()).isZero(); // denser at 30 s; its verdict (window 5) passes, then a burst
        feed(c, 3, 100, 0.8);
        feed(c, 4, 100, 0.8);
        assertThat(feed(c, 5, 100, 0.8).action()).isEqualTo(Action.HOLD);
        ControlDecision burst = feed(c, 6, 250, 1.2); // 2.5x the calm load: its peak is another load's

        assertThat(burst.action()).isEqualTo(Action.SPARSER);
        assertThat(burst.reason()).contains("it undoes the denser move of 40 s ago, so the next denser move needs 6 headroom windows");
        assertThat(c.state().backoff().level()).isEqualTo(1);
        for (int i = 7; i < 12; i++) {
            assertThat(feed(c, i, 100, 0.4).action()).isEqualTo(Action.HOLD);
        }
        ControllerState snapshot = ControllerState.fromJson(c.state().toJson());
        assertThat(snapshot.backoff()).isEqualTo(c.state().backoff());
        Controller resumed = new Controller(E2E_1S, FIVE, snapshot);
        assertThat(feed(resumed, 12, 100, 0.4).action()).as("the sixth headroom window").isEqualTo(Action.DENSER);

        for (int i = 13; i < 42; i++) {
            feed(resumed, i, 100, 0.8);
        }
        assertThat(resumed.state().backoff().level()).as("290 s after the denser move").isEqualTo(1);
        feed(resumed, 42, 100, 0.8);
        assertThat(resumed.state().backoff().level()).as("300 s after it: it stood").isZero();
    }

    @Test
    @DisplayName("a denser move fails at its load: once headroom runs a quarter lighter, its bar lifts and its back-off is"
            + " waived, while a fifth lighter is still the same load")
    void lighterLoadLiftsBarAndBackoff() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(1));
        for (int i = 0; i < 3; i++) {
            feed(c, i, 100, 0.4); // denser at 10 req/s
        }
        feed(c, 3, 100, 0.8);
        feed(c, 4, 100, 0.8);
        assertThat(feed(c, 5, 250, 1.2).action()).isEqualTo(Action.ROLLBACK); // a burst, so its peak does not bar rung 0 as well
        assertThat(c.state().penalties().get(0).load()).isEqualTo(10.0);
        assertThat(c.state().backoff().load()).isEqualTo(10.0);

        for (int i = 6; i < 11; i++) {
            assertThat(feed(c, i, 80, 0.3).reason()).as("8 req/s").contains("of 6 window(s) needed");
        }
        assertThat(feed(c, 11, 80, 0.3).reason()).contains("rung 0 is barred until");
        feed(c, 12, 70, 0.3);
        assertThat(feed(c, 13, 70, 0.3).action()).as("the latest three windows peak at 8 req/s").isEqualTo(Action.HOLD);
        ControllerState snapshot = ControllerState.fromJson(c.state().toJson());
        assertThat(snapshot).isEqualTo(c.state());
        ControlDecision lighter = feed(new Controller(E2E_1S, FIVE, snapshot), 14, 70, 0.3);

        assertThat(lighter.action()).isEqualTo(Action.DENSER);
        assertThat(lighter.reason()).contains("the load (peak 7.0/s) is under 75% of the 10.0/s the failed denser move was made at,"
                + " so its bar does not apply");
    }

    @Test
    @DisplayName("a denser move must survive the peak of the last 5 cool-downs at this load: after a burst of 1.5x on rung 0,"
            + " headroom on rung 1 brings it back only once the burst is 150 s old; after one of more than twice the load, at once")
    void denserMovesSurviveTheRecentPeak() {
        Controller c = new Controller(E2E_1S, FIVE);
        assertThat(feed(c, 0, 150, 1.2).action()).isEqualTo(Action.SPARSER);
        heldByTheBurstUntilItAges(c);

        Controller other = new Controller(E2E_1S, FIVE);
        assertThat(feed(other, 0, 150, 1.2).action()).isEqualTo(Action.SPARSER);
        feed(other, 1, 70, 0.4);
        feed(other, 2, 70, 0.4);
        assertThat(feed(other, 3, 70, 0.4).action()).as("7 req/s after a burst at 15").isEqualTo(Action.DENSER);
    }

    @Test
    @DisplayName("a rebuilt ladder keeps the recent peak: the burst before the rebuild still holds back the first denser move on the new ladder")
    void peaksOutliveARebuild() {
        Controller c = new Controller(E2E_1S, FIVE);
        assertThat(feed(c, 0, 150, 1.2).action()).isEqualTo(Action.SPARSER);
        assertThat(c.ladderChanged(FIVE).action()).isEqualTo(Action.HOLD);
        heldByTheBurstUntilItAges(c);
    }

    /** Headroom at 100 req/s on rung 1 after a burst of 1.2 in window 0: held until that window is 150 s old, then denser. */
    private static void heldByTheBurstUntilItAges(Controller c) {
        for (int i = 1; i < 16; i++) {
            ControlDecision d = feed(c, i, 100, 0.4);
            assertThat(d.action()).as("window %d", i).isEqualTo(Action.HOLD);
            if (i >= 3) {
                assertThat(d.reason()).contains("but the peak of the last 150 s at this load would put the tightest p95 at 120% of its"
                        + " target on rung 0");
            }
        }
        assertThat(feed(c, 16, 100, 0.4).action()).as("the burst's window ended 150 s ago").isEqualTo(Action.DENSER);
    }

    @Test
    @DisplayName("a window decided long after it ended (an agent catching up after an outage) is no peak, and breaks nothing")
    void lateWindowsAreNoPeak() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(1));
        WindowSummary late = window(0, 100, 1.5, 1);
        assertThat(c.decide(late, late.end().plusSeconds(3600)).action()).isEqualTo(Action.SPARSER);
        assertThat(c.state().recentWindows()).isEmpty();
    }

    @Test
    @DisplayName("a back-off from flaps at one load is waived after a load drop, and stays waived for the next denser move")
    void backoffWaivedAfterALoadDrop() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(2));
        for (int i = 0; i < 3; i++) {
            feed(c, i, 100, 0.4);
        }
        feed(c, 3, 100, 0.8);
        feed(c, 4, 100, 0.8);
        feed(c, 5, 100, 0.8);
        assertThat(feed(c, 6, 100, 1.2).reason()).contains("so the next denser move needs 6 headroom windows");
        assertThat(c.currentRung()).isEqualTo(2);

        feed(c, 7, 100, 0.3); // the load falls to 40% in the middle of a headroom streak
        feed(c, 8, 40, 0.2);
        feed(c, 9, 40, 0.2);
        ControlDecision first = feed(c, 10, 40, 0.2);
        assertThat(first.action()).isEqualTo(Action.DENSER);
        assertThat(first.reason()).contains("so its back-off does not apply");
        for (int i = 11; i < 13; i++) {
            feed(c, i, 40, 0.2);
        }
        assertThat(feed(c, 13, 40, 0.2).toRung()).as("rung 1 -> 0 after the spec's three windows").isZero();
    }

    @Test
    @DisplayName("a snapshot written before the back-off existed resumes without one")
    void snapshotWithoutBackoff() {
        String old = "{\"schema\":\"arborist.controller-state.v1\",\"current_rung\":2,\"last_move_at\":null,\"violation_streak\":0,"
                + "\"headroom_streak\":1,\"rung_before_move\":null,\"move_basis\":null,\"penalties\":{},\"quality_cap\":null}";
        ControllerState state = ControllerState.fromJson(old);
        assertThat(state.currentRung()).isEqualTo(2);
        assertThat(state.headroomStreak()).isEqualTo(1);
        assertThat(state.backoff()).isEqualTo(DenserBackoff.NONE);
        assertThat(state.recentHeadroomRates()).isEmpty();
        assertThat(state.backfiredWindows()).isZero();
    }

    @Test
    @DisplayName("a snapshot written before bars kept their load resumes with bars only time lifts")
    void snapshotWithBareBars() {
        String old = "{\"schema\":\"arborist.controller-state.v1\",\"current_rung\":1,\"last_move_at\":null,\"violation_streak\":0,"
                + "\"headroom_streak\":0,\"rung_before_move\":null,\"move_basis\":null,\"penalties\":{\"0\":\"2025-01-01T00:10:00Z\"},"
                + "\"quality_cap\":null,\"denser_backoff\":{\"level\":1,\"last_denser_at\":null}}";
        ControllerState state = ControllerState.fromJson(old);
        assertThat(state.penalties()).containsEntry(0, Bar.until(Instant.parse("2025-01-01T00:10:00Z")));
        assertThat(state.backoff()).isEqualTo(new DenserBackoff(1, 0, null, 0));
        Controller c = new Controller(E2E_1S, FIVE, state);
        for (int i = 0; i < 5; i++) {
            feed(c, i, 10, 0.3);
        }
        assertThat(feed(c, 5, 10, 0.3).reason()).as("however light the load").contains("rung 0 is barred until");
    }

    @Test
    @DisplayName("a failed quality check rolls back to the sparsest rung within budget once the ladder's error is corrected")
    void qualityRegression() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(3));
        ControlDecision d = c.qualityRegressed(1.27, T0); // the ladder said 1.09: losses are 3x what it claims

        assertThat(d.action()).isEqualTo(Action.ROLLBACK);
        assertThat(d.toRung()).isEqualTo(1); // rung 2 would be about 1.18, rung 1 about 1.09
        assertThat(d.expected().get("perplexity_ratio")).isCloseTo(1.09, within(1e-9));
        assertThat(d.reason()).contains("measured perplexity ratio 1.27 at rung 3 > budget 1.10");
        assertThat(c.state().qualityCap()).isEqualTo(1);

        ControlDecision capped = feed(c, 10, 100, 1.5);
        assertThat(capped.action()).isEqualTo(Action.HOLD);
        assertThat(capped.reason()).contains("rung 2 is beyond rung 1, the sparsest allowed since a failed quality check");
        assertThat(c.ladderChanged(FIVE).action()).isEqualTo(Action.HOLD);
        assertThat(feed(c, 11, 100, 1.5).toRung()).isEqualTo(2);
    }

    @Test
    @DisplayName("a quality check within budget, or on the dense rung, changes nothing")
    void qualityChecksThatDoNotMove() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(2));
        assertThat(c.qualityRegressed(1.08, T0).action()).isEqualTo(Action.HOLD);
        assertThat(new Controller(E2E_1S, FIVE).qualityRegressed(1.5, T0).action()).isEqualTo(Action.HOLD);
        assertThat(c.currentRung()).isEqualTo(2);
    }

    @Test
    @DisplayName("a rebuilt ladder clamps the current rung to the sparsest allowed one")
    void ladderChangeClamps() {
        Controller c = new Controller(E2E_1S, FIVE, ControllerState.startingAt(3));
        List<Rung> rebuilt = List.of(Rung.dense(), new Rung(1, 1.05, 1.4), new Rung(2, 1.15, 1.9));
        assertThat(c.rungKeptOn(rebuilt)).as("rung 3 is gone, rung 2 over the budget").isEqualTo(1);
        assertThat(c.rungKeptOn(FIVE)).isEqualTo(3);
        assertThat(c.currentRung()).as("asking moves nothing").isEqualTo(3);
        ControlDecision d = c.ladderChanged(rebuilt);

        assertThat(d.action()).isEqualTo(Action.DENSER);
        assertThat(d.toRung()).isEqualTo(1);
        assertThat(d.reason()).contains("rung 3 no longer exists");
        assertThat(c.currentRung()).isEqualTo(1);
        assertThat(c.ladder()).isEqualTo(rebuilt);
    }

    @Test
    @DisplayName("headroom needs every targeted quantile measured and low; one missing quantile is not headroom")
    void headroomNeedsEveryTarget() {
        SloSpec spec = SloSpec.builder("chat").ttftP95Seconds(0.5).e2eP95Seconds(1.0).qualityBudget(0.1).headroomWindows(1)
                .cooldown(Duration.ZERO).build();
        Controller c = new Controller(spec, FIVE, ControllerState.startingAt(2));
        WindowSummary noTtft = new WindowSummary(T0, T0.plusSeconds(10), 50, null, null, 0.2, 100, 2);
        assertThat(c.decide(noTtft, noTtft.end()).action()).isEqualTo(Action.HOLD);

        WindowSummary both = new WindowSummary(T0.plusSeconds(10), T0.plusSeconds(20), 50, 0.1, null, 0.2, 100, 2);
        ControlDecision d = c.decide(both, both.end());
        assertThat(d.action()).isEqualTo(Action.DENSER);
        assertThat(d.reason()).contains("ttft p95 0.10 s < 0.35 s (70% of target), e2e p95 0.20 s < 0.70 s");
    }

    @Test
    @DisplayName("adopt continues from the rung serving actually runs")
    void adoptTheServedRung() {
        Controller c = new Controller(E2E_1S, FIVE);
        feed(c, 0, 100, 1.5);
        c.adopt(0); // the swap to rung 1 was rejected
        assertThat(c.currentRung()).isZero();
        assertThat(c.state().rungBeforeMove()).isNull();
        assertThatThrownBy(() -> c.adopt(5)).hasMessageContaining("rung 5 is not on a ladder of 5 rungs");
    }

    @Test
    @DisplayName("ladders must be listed densest first with indices 0..n-1; snapshots must fit the ladder")
    void rejectsInconsistentInputs() {
        assertThatThrownBy(() -> new Controller(E2E_1S, List.of(new Rung(1, 1.0, 1.0)))).hasMessageContaining("position 0 holds rung 1");
        assertThatThrownBy(() -> new Controller(E2E_1S, List.of())).hasMessageContaining("at least the dense rung");
        assertThatThrownBy(() -> new Controller(E2E_1S, FIVE, ControllerState.startingAt(7))).hasMessageContaining("rung 7");
        assertThatThrownBy(() -> ControllerState.fromJson("{\"schema\":\"other\"}")).hasMessageContaining(ControllerState.SCHEMA);
    }

    @Test
    @DisplayName("actions travel as lower-case names")
    void actionWireNames() {
        assertThat(Action.ROLLBACK.wireName()).isEqualTo("rollback");
        assertThat(Action.fromWireName("sparser")).isEqualTo(Action.SPARSER);
        assertThatThrownBy(() -> Action.fromWireName("SPARSER")).hasMessageContaining("unknown action");
    }
}
