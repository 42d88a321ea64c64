package dev.arborist.agent.consume;

import dev.arborist.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's consumer on the two telemetry topics, in group {@code arborist-agent-<deployment>}.
 * It tracks, per partition, the next offset not yet applied, and commits only offsets the caller
 * says are applied and snapshotted. On assignment it resumes from the later of the committed offset
 * and the snapshot's: after a crash between snapshot and commit the snapshot already holds the
 * batch, so it must not be applied twice. Records below the applied position (redelivered after a
 * rebalance) are dropped for the same reason. One thread only.
 */
public final class TelemetryConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryConsumer.class);
    public static final List<String> TOPICS = List.of(Topics.REQUESTS.topic(), Topics.STATS.topic());

    private final Consumer<String, String> consumer;
    private final String deployment;
    private final Map<TopicPartition, Long> applied = new HashMap<>(); // next offset to apply, per partition
    private Map<TopicPartition, Long> committable = Map.of(); // applied and snapshotted, not yet committed

    /** @param resume next offsets per partition from the snapshot ("topic:partition" keys); empty for none */
    public TelemetryConsumer(String bootstrap, String deployment, Map<String, Long> resume) {
        this.deployment = deployment;
        resume.forEach((key, offset) -> applied.put(partition(key), offset));
        this.consumer = new KafkaConsumer<>(config(bootstrap, deployment), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(TOPICS, new Rebalance());
    }

    private static Map<String, Object> config(String bootstrap, String deployment) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // One group per deployment: replicas of the agent would share the work, restarts resume its offsets.
                ConsumerConfig.GROUP_ID_CONFIG, "arborist-agent-" + deployment,
                ConsumerConfig.CLIENT_ID_CONFIG, "arborist-agent-" + deployment,
                // Offsets are committed by hand, after a batch is applied and snapshotted.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A new group reads what the topics still hold: old requests are late for the windows, old
                // sketches are decayed by their age, so history costs time but never skews a decision.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Sketches of a large model are big; a batch stays bounded in memory and in apply time.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                // Only records of committed transactions (serving's producers are idempotent, not transactional today).
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    /** The next records not yet applied, each sorted into {@link Telemetry}; they count as applied once returned. */
    public List<Polled> poll(Duration timeout) {
        List<Polled> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Long next = applied.get(tp);
            if (next != null && r.offset() < next) {
                continue; // already in the state (redelivered after a rebalance or a crash before commit)
            }
            out.add(new Polled(r.topic(), Telemetry.of(r, deployment)));
            applied.put(tp, r.offset() + 1);
        }
        return out;
    }

    /** A record's topic and what it held. */
    public record Polled(String topic, Telemetry telemetry) {}

    /** Next offsets to apply, per partition, for the snapshot. */
    public Map<String, Long> positions() {
        Map<String, Long> out = new TreeMap<>();
        applied.forEach((tp, offset) -> out.put(key(tp), offset));
        return out;
    }

    /** Marks the current positions as snapshotted: {@link #commit} may commit them. */
    public void snapshotted() {
        committable = Map.copyOf(applied);
    }

    /** Forgets positions not yet committed: after an unexpected failure nothing more is committed. */
    public void abandon() {
        committable = Map.of();
    }

    /** Commits what was last marked snapshotted; a failed commit is logged and retried with the next one. */
    public void commit() {
        if (committable.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Set<TopicPartition> owned = consumer.assignment();
        committable.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        try {
            consumer.commitSync(offsets);
            committable = Map.of();
        } catch (KafkaException e) {
            LOG.warn("committing offsets failed, will retry with the next batch: {}", e.toString());
        }
    }

    /** Records the group has not consumed yet, per topic (what the broker last reported); a topic is missing before its first fetch. */
    public Map<String, Long> lag() {
        Map<String, Long> lag = new TreeMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                lag.merge(tp.topic(), l.getAsLong(), Long::sum);
            }
        }
        return lag;
    }

    /** Makes a blocked {@link #poll} return at once (from any thread). */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            for (TopicPartition tp : partitions) {
                Long snapshot = applied.get(tp);
                OffsetAndMetadata c = committed.get(tp);
                if (snapshot != null && (c == null || c.offset() < snapshot)) {
                    consumer.seek(tp, snapshot);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(); // what is snapshotted is safe to commit before another member takes over
        }
    }

    private static String key(TopicPartition tp) {
        return tp.topic() + ":" + tp.partition();
    }

    private static TopicPartition partition(String key) {
        int colon = key.lastIndexOf(':');
        return new TopicPartition(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
    }
}
