package dev.arborist.serving.kafka;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this replica's swap outcomes as {@code arborist.decision.v1} audit records to
 * {@code arborist.decisions}, keyed by deployment. Used from the model-update thread only, never
 * from inference; a record that cannot be delivered is logged (the swap metric still counts it).
 */
final class DecisionPublisher implements AutoCloseable {
    static final String TOPIC = "arborist.decisions";
    static final String SCHEMA = "arborist.decision.v1";
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPublisher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TelemetryConfig config;
    private Producer<String, String> producer; // created on first use

    DecisionPublisher(TelemetryConfig config) {
        this.config = config;
    }

    /** @param action {@code swapped} or {@code swap-rejected} */
    void publish(String action, String planId, String reason) {
        String value = new JsonObject()
                .put("schema", SCHEMA)
                .put("deployment", config.deployment())
                .put("replica", config.replica())
                .put("action", action)
                .put("plan_id", planId)
                .put("reason", reason)
                .put("timestamp", Instant.now().toString())
                .encode();
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new StringSerializer());
            }
            producer.send(new ProducerRecord<>(TOPIC, config.deployment(), value), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("decision record for plan {} ({}) not delivered: {}", planId, action, error.toString());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("decision record for plan {} ({}) not sent: {}", planId, action, e.toString());
        }
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "arborist-decisions-" + config.replica(),
                // An audit record counts once every in-sync replica has it; retries never write it twice.
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // The update thread waits at most this long for metadata; it has nothing more urgent to do.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                // delivery.timeout.ms must cover linger.ms + request.timeout.ms, or the producer refuses to start.
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT); // waits for the acks of what was sent
        }
    }
}
