package dev.arborist.agent.publish;

import dev.arborist.events.Decision;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;

/** The agent's records as outbox entries: each keyed by deployment and carrying its sequence number. */
public final class Records {
    /** The {@code replica} field of the agent's decision records. */
    public static final String AGENT = "agent";

    private Records() {
    }

    public static Pending of(Decision d) {
        if (d.sequence() == null) {
            throw new IllegalArgumentException("the agent's decision records carry a sequence number");
        }
        return new Pending(Topics.DECISIONS.topic(), d.deployment(), d.encode(), d.sequence());
    }

    public static Pending of(ModelUpdate u) {
        if (u.sequence() == null) {
            throw new IllegalArgumentException("the agent's model updates carry the sequence number of their decision");
        }
        return new Pending(Topics.MODELS.topic(), u.deployment(), u.encode(), u.sequence());
    }
}
