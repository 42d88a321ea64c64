package dev.arborist.cli.demo;

import dev.arborist.events.Decision;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import dev.arborist.policies.control.PolicyTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads back what the agent announced, as an operator would: the audit log on {@code arborist.decisions}
 * and the plan announcements on {@code arborist.models}.
 */
final class DecisionTally {
    private static final Duration POLL = Duration.ofMillis(500);

    private DecisionTally() {
    }

    /** Rebuilds the agent published because traffic drifted. */
    static long driftRebuilds(List<Decision> decisions) {
        return decisions.stream().filter(DecisionTally::isDriftRebuild).count();
    }

    /** Whether {@code d} is the agent publishing a plan rebuilt because traffic drifted. */
    static boolean isDriftRebuild(Decision d) {
        return "agent".equals(d.replica()) && "rebuild".equals(d.action()) && d.planId() != null && d.reason() != null
                && d.reason().startsWith("drift");
    }

    /**
     * What the agent decided from {@code since} on, oldest first: its moves, rebuilds and policies, and the effects it
     * measured afterwards. Serving's swap records are left out; they are counted in the report already.
     */
    static List<AuditEntry> audit(List<Decision> decisions, Instant since) {
        return decisions.stream()
                .filter(d -> "agent".equals(d.replica()) && d.timestamp() != null && !Instant.parse(d.timestamp()).isBefore(since))
                .map(d -> AuditEntry.of(d, since))
                .sorted(Comparator.comparingDouble(AuditEntry::seconds))
                .toList();
    }

    static List<Decision> read(String bootstrap, String deployment) {
        List<Decision> decisions = new ArrayList<>();
        for (String value : values(bootstrap, Topics.DECISIONS.topic(), deployment)) {
            try {
                decisions.add(Decision.parse(value));
            } catch (IllegalArgumentException malformed) {
                // not ours to judge: the agent counts malformed events, the demo only tallies
            }
        }
        return decisions;
    }

    /**
     * The first per-input policy the agent announced, when, and the table in force at the end (the
     * last announcement's): null when none was announced.
     */
    static AnnouncedPolicy policy(String bootstrap, String deployment) {
        Instant first = read(bootstrap, deployment).stream()
                .filter(d -> "agent".equals(d.replica()) && "policy".equals(d.action()))
                .map(d -> Instant.parse(d.timestamp())).min(Instant::compareTo).orElse(null);
        if (first == null) {
            return null;
        }
        ModelUpdate last = null;
        for (String value : values(bootstrap, Topics.MODELS.topic(), deployment)) {
            try {
                last = ModelUpdate.parse(value);
            } catch (IllegalArgumentException malformed) {
                // skipped, as serving skips it
            }
        }
        PolicyTable table = last == null || last.policy() == null ? new PolicyTable(0, List.of()) : PolicyTable.fromJson(last.policy().toString());
        return new AnnouncedPolicy(first, table);
    }

    /** @param firstAt when the agent announced its first table */
    record AnnouncedPolicy(Instant firstAt, PolicyTable table) {}

    /** Every value under {@code key} on {@code topic}, from the beginning, in order. */
    private static List<String> values(String bootstrap, String topic, String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "arborist-demo-report-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            int emptyPolls = 0;
            while (emptyPolls < 4) { // the log is read to its end once four polls in a row bring nothing
                var records = consumer.poll(POLL);
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (key.equals(r.key()) && r.value() != null) {
                        values.add(r.value());
                    }
                }
            }
            return values;
        }
    }
}
