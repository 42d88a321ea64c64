package dev.arborist.agent.control;

import dev.arborist.agent.publish.Pending;
import dev.arborist.agent.publish.Records;
import dev.arborist.events.Decision;
import dev.arborist.events.ModelUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Numbers the agent's records and queues them for the outbox. Each decision gets the next
 * sequence number; a model update that goes with it carries the same number, so after a crash the
 * agent can tell from the topics which of them were published.
 */
public final class Announcer {
    private final String deployment;
    private final List<Pending> queued = new ArrayList<>();
    private long sequence;

    /** @param sequence the last number used (0: none yet) */
    public Announcer(String deployment, long sequence) {
        this.deployment = deployment;
        this.sequence = sequence;
    }

    /** The content of one audit record; {@code update} is published with it when not null. */
    record Announcement(String action, String planId, String reason, Integer fromRung, Integer toRung, Map<String, Double> observed,
                        Map<String, Double> expected, Double qualityRatio, ModelUpdate update) {}

    /** Queues a decision (and its model update); returns its sequence number. */
    long announce(Announcement a, Instant now) {
        long seq = ++sequence;
        if (a.update() != null) {
            queued.add(Records.of(a.update().withSequence(seq)));
        }
        queued.add(Records.of(new Decision(deployment, Records.AGENT, a.action(), a.planId(), a.reason(), a.fromRung(), a.toRung(),
                a.observed(), a.expected(), null, a.qualityRatio(), now.toString(), seq, null)));
        return seq;
    }

    /** Queues the measured effect of decision {@code follows}. */
    void measured(Watch w, Map<String, Double> measured, String reason, Instant now) {
        long seq = ++sequence;
        queued.add(Records.of(new Decision(deployment, Records.AGENT, w.action(), w.planId(), reason, w.fromRung(), w.toRung(), null,
                null, measured, null, now.toString(), seq, w.sequence())));
    }

    public boolean hasQueued() {
        return !queued.isEmpty();
    }

    /** The records queued since the last call, in order. */
    public List<Pending> drain() {
        List<Pending> out = List.copyOf(queued);
        queued.clear();
        return out;
    }

    /** The last sequence number used. */
    public long sequence() {
        return sequence;
    }
}
