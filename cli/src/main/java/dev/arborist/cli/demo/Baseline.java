package dev.arborist.cli.demo;

import java.util.OptionalInt;

/**
 * Who picks the served rung during a demo run. The agent runs in every case (same CPU load, same
 * plans); a baseline only pins serving through its admin API, so the three runs differ in nothing
 * but the rung requests are served at.
 */
public enum Baseline {
    /** No pin: the agent's rung moves decide. */
    AGENT("agent"),
    /** Every request at rung 0, the dense rung. */
    DENSE("dense"),
    /** Every request at the ladder's last rung, whatever the ladder of the plan being served. */
    SPARSEST("sparsest");

    private final String label;

    Baseline(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** @param rungs the served ladder's size @return the rung to pin serving to; empty to leave it to the agent */
    public OptionalInt pin(int rungs) {
        return switch (this) {
            case AGENT -> OptionalInt.empty();
            case DENSE -> OptionalInt.of(0);
            case SPARSEST -> OptionalInt.of(rungs - 1);
        };
    }

    /** The baseline named on the command line ({@code agent}, {@code dense}, {@code sparsest}). */
    public static Baseline of(String label) {
        for (Baseline b : values()) {
            if (b.label.equals(label)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown baseline '" + label + "': use agent, dense or sparsest");
    }
}
