package dev.arborist.agent.publish;

import dev.arborist.events.Decision;
import dev.arborist.events.EventProducers;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Sends the agent's records (model updates on the compacted {@code arborist.models}, audit records
 * on {@code arborist.decisions}) and answers, after a restart, which records of an outbox already
 * reached the broker. Sends wait for the acknowledgement: a record counts as published only then.
 * Loop thread only.
 */
public final class Publisher implements AutoCloseable {
    static final List<String> OUTPUT_TOPICS = List.of(Topics.MODELS.topic(), Topics.DECISIONS.topic());
    private static final long MAX_BLOCK_MS = 5_000;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String deployment;
    private final Producer<String, String> producer;
    private final Consumer<String, String> reader; // no group: reads the output topics to check what was published

    public Publisher(String bootstrap, String deployment) {
        this.deployment = deployment;
        this.producer = EventProducers.idempotent(bootstrap, "arborist-agent-" + deployment, MAX_BLOCK_MS);
        this.reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "arborist-agent-" + deployment + "-outbox",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Sends are acknowledged by all in-sync replicas; committed records are the ones that count.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
    }

    /** The end offset of every partition of the output topics now: where a later check starts reading. */
    public Map<String, Long> marks() {
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions(), READ_TIMEOUT);
        Map<String, Long> marks = new HashMap<>();
        ends.forEach((tp, offset) -> marks.put(tp.topic() + ":" + tp.partition(), offset));
        return marks;
    }

    /**
     * Sends the records in order and waits until each is acknowledged.
     *
     * @throws KafkaException when any was not; the caller keeps the outbox and tries again
     */
    public void send(List<Pending> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Pending p : records) {
            acks.add(producer.send(new ProducerRecord<>(p.topic(), p.key(), p.value())));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaException("no acknowledgement within " + ACK_TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for an acknowledgement", e);
            }
        }
    }

    /**
     * The records of the outbox that are not on their topic: reads every output partition from the
     * outbox's mark to its current end and looks for this deployment's sequence numbers.
     */
    public List<Pending> unpublished(Outbox outbox) {
        if (outbox.isEmpty()) {
            return List.of();
        }
        Set<String> found = published(outbox.marks());
        return outbox.records().stream().filter(p -> !found.contains(p.topic() + "#" + p.sequence())).toList();
    }

    private Set<String> published(Map<String, Long> marks) {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions, READ_TIMEOUT);
        reader.assign(partitions);
        for (TopicPartition tp : partitions) {
            reader.seek(tp, marks.getOrDefault(tp.topic() + ":" + tp.partition(), 0L));
        }
        Set<String> found = new HashSet<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!caughtUp(ends)) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("could not read the output topics to their end within " + READ_TIMEOUT);
            }
            for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                Long sequence = deployment.equals(r.key()) ? sequenceOf(r.topic(), r.value()) : null;
                if (sequence != null) {
                    found.add(r.topic() + "#" + sequence);
                }
            }
        }
        reader.unsubscribe();
        return found;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (reader.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The agent's sequence number a record carries; null for records of others and unreadable ones. */
    private Long sequenceOf(String topic, String value) {
        if (value == null) {
            return null;
        }
        try {
            if (topic.equals(Topics.MODELS.topic())) {
                ModelUpdate u = ModelUpdate.parse(value);
                return deployment.equals(u.deployment()) ? u.sequence() : null;
            }
            Decision d = Decision.parse(value);
            return deployment.equals(d.deployment()) && Records.AGENT.equals(d.replica()) ? d.sequence() : null;
        } catch (IllegalArgumentException e) {
            return null; // not a record the agent wrote
        }
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : OUTPUT_TOPICS) {
            for (PartitionInfo p : reader.partitionsFor(topic, READ_TIMEOUT)) {
                out.add(new TopicPartition(topic, p.partition()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
    }
}
