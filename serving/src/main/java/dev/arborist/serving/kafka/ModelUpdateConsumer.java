package dev.arborist.serving.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arborist.events.Decision;
import dev.arborist.events.DecisionLog;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code arborist.models} topic for this replica's deployment and hands each
 * announced plan to the server. One thread owns the consumer. Every replica has a group of its own,
 * so every replica sees every update; the served plan lives in memory, so each (re)assignment
 * reads the topic from the beginning and, within a poll, only the last valid event of the
 * deployment counts (last value per key wins, as after compaction). Malformed events are counted
 * and skipped. Each load ends in a {@code swapped} or {@code swap-rejected} decision record. An
 * update for the plan already served moves it to the update's rung in place (no reload): a
 * {@code rung-changed} record, or {@code rung-rejected} for a rung the ladder lacks.
 */
public final class ModelUpdateConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final long ADMIN_TIMEOUT_MS = 2_000;
    private static final Duration MAX_LOAD = Duration.ofMinutes(5);

    /** The server side of a swap. */
    public interface PlanSwitch {
        /** The id of the plan served now. */
        String currentPlan();

        /** Loads, verifies and switches to the plan (at the update's rung); fails with the reason it was rejected. */
        CompletableFuture<String> load(ModelUpdate update);

        /**
         * Serves the plan already served at {@code rung}, in place.
         *
         * @return the rung it left; null when nothing changed (already there, or the plan has no ladder)
         * @throws IllegalArgumentException if the rung is not on the plan's ladder
         */
        Integer moveRung(String planId, int rung);

        /**
         * Serves the plan already served with this per-input policy table (null: none).
         *
         * @return whether the table changed
         * @throws IllegalArgumentException if the table is malformed or does not fit the plan's ladder
         */
        boolean policy(String planId, JsonNode table);

        /** False once serving is shutting down: a load refused then says nothing about the plan. */
        boolean accepting();
    }

    private final TelemetryConfig config;
    private final PlanSwitch plans;
    private final DecisionLog decisions;
    private final Counter skipped;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Consumer<String, String> consumer;

    public ModelUpdateConsumer(TelemetryConfig config, PlanSwitch plans, MeterRegistry registry) {
        this.config = config;
        this.plans = plans;
        this.decisions = new DecisionLog(config.bootstrap(), "arborist-decisions-" + config.replica());
        this.skipped = Counter.builder("arborist.model.updates.skipped")
                .description("Malformed model-update events that were skipped").register(registry);
        this.thread = new Thread(this::run, "arborist-model-updates");
        thread.setDaemon(true);
    }

    public void start() {
        if (!closed) {
            thread.start();
        }
    }

    private void run() {
        try {
            while (!closed) {
                if (!ensureTopics()) {
                    sleep(RETRY);
                    continue;
                }
                try (Consumer<String, String> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new StringDeserializer())) {
                    consumer = c;
                    c.subscribe(List.of(Topics.MODELS.topic()), new FromBeginning(c));
                    loop(c);
                } catch (WakeupException e) {
                    // close() woke the poll: the loop condition ends it
                } catch (KafkaException e) {
                    LOG.warn("model-update consumer failed, restarting it: {}", e.toString());
                    sleep(RETRY);
                }
            }
        } finally {
            decisions.close();
        }
    }

    private void loop(Consumer<String, String> c) {
        while (!closed) {
            ConsumerRecords<String, String> records = c.poll(POLL);
            ModelUpdate latest = latest(records);
            if (latest != null) {
                apply(latest);
            }
            if (!records.isEmpty()) {
                c.commitSync(); // after acting: the group's lag shows what this replica has applied
            }
        }
    }

    /** The last well-formed event for this deployment in the batch; counts the malformed ones. */
    private ModelUpdate latest(ConsumerRecords<String, String> records) {
        ModelUpdate latest = null;
        for (ConsumerRecord<String, String> r : records) {
            if (!config.deployment().equals(r.key()) || r.value() == null) {
                continue; // another deployment's plan, or a tombstone
            }
            try {
                ModelUpdate update = ModelUpdate.parse(r.value());
                if (!update.deployment().equals(config.deployment())) {
                    throw new IllegalArgumentException("deployment " + update.deployment() + " under key " + r.key());
                }
                latest = update;
            } catch (IllegalArgumentException e) {
                skipped.increment();
                LOG.warn("skipping malformed model update at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
        return latest;
    }

    private void apply(ModelUpdate update) {
        if (update.planId().equals(plans.currentPlan())) {
            moveRung(update); // already served: at most the rung or the policy changed (or it was re-read after a reassignment)
            applyPolicy(update);
            return;
        }
        try {
            CompletableFuture<String> load = plans.load(update);
            while (!load.isDone() && !closed) { // a load is not cut short, but closing does not wait for it
                waitFor(load);
            }
            if (load.isDone()) {
                decisions.publish(swap("swapped", load.join(), update.reason()));
                applyPolicy(update);
            }
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (closed || !plans.accepting()) {
                LOG.info("plan {} not loaded: serving is shutting down", update.planId()); // not a verdict on the plan
                return;
            }
            decisions.publish(swap("swap-rejected", update.planId(), cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        } catch (IllegalArgumentException e) { // a uri this replica cannot read
            decisions.publish(swap("swap-rejected", update.planId(), e.getMessage()));
        }
    }

    /** An update without a rung asks for the plan's default, rung 0 (as a load does). */
    private void moveRung(ModelUpdate update) {
        int rung = update.rung() == null ? 0 : update.rung();
        try {
            Integer from = plans.moveRung(update.planId(), rung);
            if (from != null) {
                decisions.publish(rungMove("rung-changed", update, from, rung, update.reason()));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("rung {} of plan {} refused: {}", rung, update.planId(), e.getMessage());
            decisions.publish(rungMove("rung-rejected", update, null, rung, e.getMessage()));
        }
    }

    /** The policy table that comes with the announcement; a table that cannot apply is refused, the plan stays. */
    private void applyPolicy(ModelUpdate update) {
        try {
            if (plans.policy(update.planId(), update.policy())) {
                decisions.publish(rungMove("policy-changed", update, null, update.rung() == null ? 0 : update.rung(), update.reason()));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("policy table for plan {} refused: {}", update.planId(), e.getMessage());
            decisions.publish(rungMove("policy-rejected", update, null, update.rung() == null ? 0 : update.rung(), e.getMessage()));
        }
    }

    private Decision rungMove(String action, ModelUpdate update, Integer from, int to, String reason) {
        return new Decision(config.deployment(), config.replica(), action, update.planId(), reason, from, to, null, null, null, null,
                Instant.now().toString());
    }

    private static void waitFor(CompletableFuture<String> load) {
        try {
            load.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still loading, or failed: the caller looks at the future
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Decision swap(String action, String planId, String reason) {
        return Decision.swap(config.deployment(), config.replica(), action, planId, reason);
    }

    /** Makes sure both topics exist (compacted models, audit decisions); false while no broker answers. */
    private boolean ensureTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS))) {
            Topics.MODELS.ensure(admin, ADMIN_TIMEOUT_MS);
            Topics.DECISIONS.ensure(admin, ADMIN_TIMEOUT_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            return false;
        } catch (Exception e) { // no broker yet: the telemetry link logs that once
            return false;
        }
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap(),
                // One group per replica: every replica gets every partition, so every update.
                ConsumerConfig.GROUP_ID_CONFIG, "arborist-serving-" + config.deployment() + "-" + config.replica(),
                ConsumerConfig.CLIENT_ID_CONFIG, "arborist-models-" + config.replica(),
                // Offsets are committed by hand once an update is acted on.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Only committed records: a plan announced in an aborted transaction never serves.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // Loading a plan may take a while; the group must not evict this replica meanwhile.
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_LOAD.toMillis());
    }

    /** Seeks to the start on every assignment: the served plan is in memory, the topic is the state. */
    private record FromBeginning(Consumer<String, String> consumer) implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.seekToBeginning(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Offsets are committed after each batch is acted on; nothing is pending here.
        }
    }

    /** Stops the thread: wakes a poll, waits for a running load to finish (it is not cut short). */
    @Override
    public void close() {
        closed = true;
        Consumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
