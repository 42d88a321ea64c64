package dev.arborist.events;

import java.time.Instant;
import java.util.Map;

/**
 * {@code arborist.decision.v1} on {@code arborist.decisions}: one audit record. The agent writes
 * what it observed, did and expected (and later what it measured); serving replicas write the
 * outcome of each swap.
 *
 * @param replica who wrote it: a serving replica's id, or {@code agent}
 * @param action e.g. {@code sparser}, {@code denser}, {@code rebuild}, {@code rollback}, {@code swapped}, {@code swap-rejected}
 * @param observed window metrics the decision was based on (e.g. {@code e2e_p95_seconds})
 * @param expected what the action should achieve (e.g. {@code decode_speedup})
 * @param measured the effect seen in the following windows; null until known
 * @param qualityRatio held-out perplexity ratio to dense of the plan or rung chosen
 * @param sequence the agent's number for this record, increasing by one per record of a deployment;
 *     it lets a restarted agent see whether a record it meant to publish is already on the topic.
 *     Null in serving's records
 * @param follows for a record of a measured effect: the sequence of the decision it measures; else null
 */
public record Decision(String deployment, String replica, String action, String planId, String reason, Integer fromRung,
        Integer toRung, Map<String, Double> observed, Map<String, Double> expected, Map<String, Double> measured,
        Double qualityRatio, String timestamp, Long sequence, Long follows) {
    public static final String SCHEMA = "arborist.decision.v1";

    /** A record without a sequence number (serving's swap records). */
    public Decision(String deployment, String replica, String action, String planId, String reason, Integer fromRung,
            Integer toRung, Map<String, Double> observed, Map<String, Double> expected, Map<String, Double> measured,
            Double qualityRatio, String timestamp) {
        this(deployment, replica, action, planId, reason, fromRung, toRung, observed, expected, measured, qualityRatio, timestamp,
                null, null);
    }

    /** A serving replica's record of a swap it did or refused. */
    public static Decision swap(String deployment, String replica, String action, String planId, String reason) {
        return new Decision(deployment, replica, action, planId, reason, null, null, null, null, null, null, Instant.now().toString());
    }

    public String encode() {
        return EventJson.encode(SCHEMA, this);
    }

    public static Decision parse(String value) {
        return EventJson.decode(value, SCHEMA, Decision.class);
    }
}
