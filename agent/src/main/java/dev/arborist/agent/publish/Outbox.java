package dev.arborist.agent.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records waiting to be published, saved in the snapshot before they are sent. {@code marks} are
 * the end offsets of their topics' partitions taken before the first send: a restarted agent reads
 * from there to find which of them did reach the broker (each carries its sequence number), so it
 * publishes the rest and never one twice.
 *
 * @param marks "topic:partition" → end offset before publishing; empty while nothing is pending
 */
public record Outbox(List<Pending> records, Map<String, Long> marks) {

    public Outbox {
        records = List.copyOf(records);
        marks = Map.copyOf(marks);
    }

    public static Outbox empty() {
        return new Outbox(List.of(), Map.of());
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** This outbox with more records; marks are taken once, when the first record arrives. */
    public Outbox plus(List<Pending> more, Map<String, Long> marksIfFirst) {
        List<Pending> all = new ArrayList<>(records);
        all.addAll(more);
        return new Outbox(all, records.isEmpty() ? marksIfFirst : marks);
    }
}
