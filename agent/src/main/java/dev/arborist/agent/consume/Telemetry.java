package dev.arborist.agent.consume;

import dev.arborist.events.EventJson;
import dev.arborist.events.RequestEvent;
import dev.arborist.events.StatsSketch;
import dev.arborist.events.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One telemetry record, sorted: a request, a stats sketch, or a record to skip and why. */
public sealed interface Telemetry {

    /** A finished request of this deployment. */
    record Request(RequestEvent event, Instant finished) implements Telemetry {}

    /** A stats sketch of this deployment, stamped with the end of its window. */
    record Stats(StatsSketch sketch, Instant windowEnd) implements Telemetry {}

    /** @param reason a label of {@code arborist_agent_events_skipped_total} */
    record Skip(String reason, String detail) implements Telemetry {}

    /** Sorts a record of the requests or stats topic; never throws for bad content. */
    static Telemetry of(ConsumerRecord<String, String> r, String deployment) {
        if (r.key() != null && !r.key().equals(deployment)) {
            return new Skip("other_deployment", "key " + r.key()); // not parsed: another deployment's sketches can be large
        }
        if (r.value() == null) {
            return new Skip("malformed", "empty value");
        }
        String schema = EventJson.schemaOf(r.value());
        if (schema == null) {
            return new Skip("malformed", "not a JSON object with a schema");
        }
        try {
            if (r.topic().equals(Topics.REQUESTS.topic())) {
                return schema.equals(RequestEvent.SCHEMA) ? request(RequestEvent.parse(r.value()), deployment) : unknown(schema);
            }
            return schema.equals(StatsSketch.SCHEMA) ? stats(StatsSketch.parse(r.value()), deployment) : unknown(schema);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return new Skip("malformed", e.getMessage());
        }
    }

    private static Telemetry request(RequestEvent e, String deployment) {
        if (!e.deployment().equals(deployment)) {
            return new Skip("other_deployment", "deployment " + e.deployment());
        }
        if (e.timestamp() == null) {
            return new Skip("malformed", "request event without a timestamp");
        }
        return new Request(e, Instant.parse(e.timestamp()));
    }

    private static Telemetry stats(StatsSketch s, String deployment) {
        if (!s.deployment().equals(deployment)) {
            return new Skip("other_deployment", "deployment " + s.deployment());
        }
        if (s.windowEnd() == null) {
            return new Skip("malformed", "stats sketch without a window end");
        }
        return new Stats(s, Instant.parse(s.windowEnd()));
    }

    private static Telemetry unknown(String schema) {
        return new Skip("unknown_schema", "schema " + schema);
    }
}
