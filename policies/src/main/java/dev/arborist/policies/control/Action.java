package dev.arborist.policies.control;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the controller tells the agent to do with a deployment's rung. */
public enum Action {
    /** Stay on the current rung. */
    HOLD,
    /** Move to a sparser (faster, lossier) rung because the latency SLO is violated. */
    SPARSER,
    /** Move one rung towards dense because there has been headroom for long enough. */
    DENSER,
    /** Undo the last move (it made latency worse) or leave a rung that failed its quality check. */
    ROLLBACK;

    /** The lower-case name used in JSON and metric labels. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Action fromWireName(String name) {
        for (Action a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + name + "' (expected hold, sparser, denser or rollback)");
    }
}
