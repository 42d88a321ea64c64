package dev.arborist.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.events.Decision;
import java.time.Duration;
import java.time.Instant;

/**
 * One record the agent put on {@code arborist.decisions} during the run, as the report shows it: when
 * (seconds into the traffic), what it did and why, so a run's timeline can be read against its decisions.
 *
 * @param fromRung the rung left, null for records about plans
 * @param toRung the rung chosen, null for records about plans
 */
public record AuditEntry(double seconds, String action, Integer fromRung, Integer toRung, String reason) {

    /** @param trafficStarted when the scenario's traffic began: time zero of the report */
    static AuditEntry of(Decision d, Instant trafficStarted) {
        double t = Duration.between(trafficStarted, Instant.parse(d.timestamp())).toMillis() / 1000.0;
        return new AuditEntry(t, d.action(), d.fromRung(), d.toRung(), d.reason());
    }

    void writeTo(ObjectNode n) {
        n.put("t", seconds).put("action", action);
        if (fromRung != null) {
            n.put("from_rung", fromRung);
        }
        if (toRung != null) {
            n.put("to_rung", toRung);
        }
        n.put("reason", reason);
    }
}
