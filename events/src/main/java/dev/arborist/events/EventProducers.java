package dev.arborist.events;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers for Arborist events: idempotent, keyed by deployment, JSON strings as values. */
public final class EventProducers {
    private EventProducers() {
    }

    /**
     * An idempotent producer that waits for every in-sync replica, so retries never write a record
     * twice.
     *
     * @param maxBlockMs how long {@code send} may wait for metadata when the broker is away
     */
    public static Producer<String, String> idempotent(String bootstrap, String clientId, long maxBlockMs) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs,
                // delivery.timeout.ms must cover linger.ms + request.timeout.ms, or the producer refuses to start.
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
