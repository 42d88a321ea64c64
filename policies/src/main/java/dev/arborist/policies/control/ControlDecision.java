package dev.arborist.policies.control;

import java.util.Map;

/**
 * One controller decision, ready for the audit record ({@code arborist.decision.v1}).
 *
 * @param fromRung the rung before the decision
 * @param toRung the rung after it (equal to fromRung for HOLD)
 * @param reason plain English with the numbers that decided it
 * @param observed the window metrics the decision was based on (e.g. {@code e2e_p95_seconds})
 * @param expected what a move should achieve: {@code decode_speedup} and {@code perplexity_ratio}
 *     of the new rung (to dense) and {@code latency_ratio} (expected new p95 / old); empty for HOLD
 */
public record ControlDecision(Action action, int fromRung, int toRung, String reason, Map<String, Double> observed,
                              Map<String, Double> expected) {

    public ControlDecision {
        if (action == Action.HOLD && fromRung != toRung) {
            throw new IllegalArgumentException("a HOLD cannot change the rung (" + fromRung + " -> " + toRung + ")");
        }
        observed = Map.copyOf(observed);
        expected = Map.copyOf(expected);
    }

    static ControlDecision hold(int rung, String reason, Map<String, Double> observed) {
        return new ControlDecision(Action.HOLD, rung, rung, reason, observed, Map.of());
    }

    /** Whether the agent has a new rung to publish. */
    public boolean moves() {
        return fromRung != toRung;
    }
}
