package dev.arborist.serving;

import dev.arborist.policies.control.PolicyTable;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which ladder rung a request runs at. Three inputs, changed from other threads (Kafka, admin) and
 * read by the model thread before every step, so a change reaches running sequences at their next
 * decode step: the base rung (what the agent's latency loop announced), the policy table (input
 * classes that tolerate a sparser rung run there: max(base, entry), see {@link PolicyTable}) and an
 * admin pin that overrides both. The three are swapped as one immutable state, so a step never
 * sees a half-applied change.
 */
final class RungSelector {
    private final int rungs;
    private final AtomicReference<State> state;

    /** @param pinned the rung every request runs at regardless of the other two; null when not pinned */
    record State(int baseRung, PolicyTable policy, Integer pinned) {}

    /**
     * @param rungs the ladder's size
     * @param baseRung where requests run before any policy entry applies
     */
    RungSelector(int rungs, int baseRung) {
        if (rungs < 1) {
            throw new IllegalArgumentException("a ladder has at least the dense rung");
        }
        this.rungs = rungs;
        this.state = new AtomicReference<>(new State(requireRung(baseRung, "base rung"), allAtBase(), null));
    }

    /** A table without entries: every request runs at the base rung. */
    static PolicyTable allAtBase() {
        return new PolicyTable(0, List.of());
    }

    /** The rung for a request with these features now: the pin, else the table's rung clamped to the ladder. */
    int rungFor(PolicyTable.Features f) {
        State s = state.get();
        if (s.pinned() != null) {
            return s.pinned();
        }
        return Math.min(rungs - 1, s.policy().rungFor(f.sloClass(), f.lengthBucket(), f.signature(), s.baseRung()));
    }

    State state() {
        return state.get();
    }

    int baseRung() {
        return state.get().baseRung();
    }

    /** The rung of requests no table entry sends sparser: the pin, else the base rung. */
    int defaultRung() {
        State s = state.get();
        return s.pinned() != null ? s.pinned() : s.baseRung();
    }

    int rungs() {
        return rungs;
    }

    /**
     * The rung a surge of {@code extraRungs} ({@link SurgeRule}) asks every row of a step to run at least at: that many
     * rungs sparser than the base, clamped to the ladder. A pin is an operator's order and no surge overrides it.
     *
     * @return 0 (dense: no floor) when pinned or without a surge
     */
    int surgeFloor(int extraRungs) {
        State s = state.get();
        return s.pinned() != null || extraRungs <= 0 ? 0 : Math.min(rungs - 1, s.baseRung() + extraRungs);
    }

    /** Whether a surge of {@code extraRungs} takes requests without a table entry sparser than they would run. */
    boolean surges(int extraRungs) {
        return surgeFloor(extraRungs) > defaultRung();
    }

    /** @return the base rung before; equal to {@code rung} when nothing changed */
    int moveBaseRung(int rung) {
        requireRung(rung, "rung");
        return state.getAndUpdate(s -> new State(rung, s.policy(), s.pinned())).baseRung();
    }

    /** @param rung the rung every request runs at from the next step on; null lets the base rung and the table decide again */
    void pin(Integer rung) {
        if (rung != null) {
            requireRung(rung, "rung");
        }
        state.updateAndGet(s -> new State(s.baseRung(), s.policy(), rung));
    }

    /**
     * @return whether the table changed
     * @throws IllegalArgumentException if an entry sends its class beyond the ladder
     */
    boolean policy(PolicyTable table) {
        requireFits(table, rungs);
        return !state.getAndUpdate(s -> new State(s.baseRung(), table, s.pinned())).policy().equals(table);
    }

    /** @throws IllegalArgumentException if an entry of {@code table} names a rung a ladder of {@code rungs} lacks */
    static void requireFits(PolicyTable table, int rungs) {
        for (PolicyTable.Entry e : table.entries()) {
            if (e.rung() >= rungs) {
                throw new IllegalArgumentException("the policy sends " + e.features() + " to rung " + e.rung() + "; the ladder has rungs 0.."
                        + (rungs - 1));
            }
        }
    }

    private int requireRung(int rung, String what) {
        if (rung < 0 || rung >= rungs) {
            throw new IllegalArgumentException(what + " " + rung + " is not on the ladder: use 0.." + (rungs - 1));
        }
        return rung;
    }
}
