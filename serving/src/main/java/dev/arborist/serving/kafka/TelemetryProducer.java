package dev.arborist.serving.kafka;

import dev.arborist.events.Topics;
import dev.arborist.serving.RequestListener;
import dev.arborist.serving.RequestRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes one {@code arborist.request.v1} event per finished request to
 * {@code arborist.telemetry.requests} and the {@code arborist.stats.v1} sketches to
 * {@code arborist.telemetry.stats}, keyed by deployment id. Inference never waits for Kafka:
 * {@link #onCompleted} only offers the event to a bounded buffer (a full buffer drops it and
 * counts the drop); one thread of its own drains the buffer into the producer. Without a broker
 * the events wait in the buffer while the thread retries; it connects by itself when one appears.
 * A broker that goes away is noticed by a failed delivery, or while idle by a probe every 5 s.
 */
public final class TelemetryProducer implements RequestListener, AutoCloseable {
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TelemetryConfig config;
    private final BlockingQueue<ProducerRecord<String, String>> buffer;
    private final TelemetryLink link;
    private final Counter sent;
    private final Counter dropped;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread drainer;
    private Producer<String, String> producer; // drainer thread only

    public TelemetryProducer(TelemetryConfig config, MeterRegistry registry) {
        this.config = config;
        this.buffer = new ArrayBlockingQueue<>(config.bufferCapacity());
        this.link = new TelemetryLink(config.bootstrap(), List.of(Topics.REQUESTS, Topics.STATS));
        this.sent = Counter.builder("arborist.telemetry.sent").description("Telemetry events (requests and stats sketches) acknowledged by Kafka").register(registry);
        this.dropped = Counter.builder("arborist.telemetry.dropped")
                .description("Telemetry events lost: buffer full, delivery failed, or unsent at shutdown").register(registry);
        Gauge.builder("arborist.telemetry.connected", link, l -> l.connected() ? 1 : 0)
                .description("1 while the telemetry producer reaches Kafka, else 0").register(registry);
        this.drainer = new Thread(this::drain, "arborist-telemetry");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Called on the model thread: builds the event and offers it, never blocks. */
    @Override
    public void onCompleted(RequestRecord record) {
        offer(Topics.REQUESTS.topic(), RequestEvents.of(record, config.deployment(), config.replica(), Instant.now()).encode());
    }

    /** Called on the model thread with an {@code arborist.stats.v1} sketch: offers it, never blocks. */
    public void onStats(String event) {
        offer(Topics.STATS.topic(), event);
    }

    private void offer(String topic, String event) {
        if (closed.get() || !buffer.offer(new ProducerRecord<>(topic, config.deployment(), event))) {
            dropped.increment();
        }
    }

    private void drain() {
        long checked = System.nanoTime();
        while (!closed.get()) {
            if (!link.connected() && !link.connect()) {
                sleep(RETRY);
                continue;
            }
            try {
                ProducerRecord<String, String> event = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    send(event);
                } else if (System.nanoTime() - checked > IDLE_CHECK.toNanos()) {
                    // Without traffic no delivery fails, so only a probe notices a broker that went away.
                    link.check();
                    checked = System.nanoTime();
                }
            } catch (InterruptedException e) {
                break;
            }
        }
        flushOnClose();
    }

    private void send(ProducerRecord<String, String> event) {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new StringSerializer());
        }
        try {
            producer.send(event, (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                } else {
                    dropped.increment();
                    link.lost(error);
                }
            });
        } catch (KafkaException e) { // metadata not fetched within max.block.ms, or the producer is broken
            dropped.increment();
            link.lost(e);
        }
    }

    /** Sends what is buffered if Kafka is there, counts the rest as dropped. */
    private void flushOnClose() {
        if (link.connected()) {
            for (ProducerRecord<String, String> event = buffer.poll(); event != null; event = buffer.poll()) {
                send(event);
            }
        }
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT); // waits for the acks of what was sent
        }
        dropped.increment(buffer.size());
        buffer.clear();
        link.close();
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "arborist-telemetry-" + config.replica(),
                // Every in-sync replica has the event before it counts as sent.
                ProducerConfig.ACKS_CONFIG, "all",
                // Retries after a lost ack do not write the event twice, and keep the order per partition.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // send() blocks the drainer (never the model thread) at most this long for metadata or buffer space.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 500,
                // Batch events that finish together; telemetry tolerates 20 ms.
                ProducerConfig.LINGER_MS_CONFIG, 20,
                // Give up on a request after 5 s and on an event after 10 s: then it is dropped and the link re-checked.
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    }

    /** Stops taking events, sends what is buffered (up to 5 s) and closes the producer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                drainer.join(CLOSE_TIMEOUT.multipliedBy(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
