package dev.arborist.events;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends {@link Decision} records to {@code arborist.decisions}, keyed by deployment. Never on an
 * inference path: callers are the agent's loop and serving's model-update thread. A record that
 * cannot be delivered is logged; the caller's metrics still count the decision.
 */
public final class DecisionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    // The caller waits at most this long for metadata; it has nothing more urgent to do.
    private static final long MAX_BLOCK_MS = 2_000;
    private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final String bootstrap;
    private final String clientId;
    private Producer<String, String> producer; // created on first use

    public DecisionLog(String bootstrap, String clientId) {
        this.bootstrap = bootstrap;
        this.clientId = clientId;
    }

    public void publish(Decision decision) {
        String value = decision.encode();
        try {
            if (producer == null) {
                producer = EventProducers.idempotent(bootstrap, clientId, MAX_BLOCK_MS);
            }
            producer.send(new ProducerRecord<>(Topics.DECISIONS.topic(), decision.deployment(), value), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("decision {} for plan {} not delivered: {}", decision.action(), decision.planId(), error.toString());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("decision {} for plan {} not sent: {}", decision.action(), decision.planId(), e.toString());
        }
    }

    /** Waits for what was sent to be acknowledged. */
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT); // waits for the acks of what was sent
        }
    }
}
