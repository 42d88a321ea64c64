package dev.arborist.agent;

import dev.arborist.agent.consume.TelemetryConsumer;
import dev.arborist.agent.control.DeploymentControl;
import dev.arborist.agent.metrics.AgentMetrics;
import dev.arborist.agent.plan.BuildResult;
import dev.arborist.agent.plan.PlanWorker;
import dev.arborist.agent.publish.Outbox;
import dev.arborist.agent.publish.Pending;
import dev.arborist.agent.publish.Publisher;
import dev.arborist.agent.state.AgentState;
import dev.arborist.agent.state.SnapshotStore;
import dev.arborist.agent.window.DeploymentTelemetry;
import dev.arborist.agent.window.WindowStats;
import dev.arborist.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one thread that owns the consumer and the state. Each turn: poll, apply, close the
 * windows that are due (each one a control decision), collect a finished build, then persist and
 * publish in this order:
 * <ol>
 * <li>decided records go into the outbox, with the output topics' end offsets as marks;
 * <li>the snapshot is saved (state, positions, outbox) and only then may offsets be committed;
 * <li>the outbox is sent and acknowledged, the snapshot saved again without it, offsets committed.
 * </ol>
 * A crash anywhere leaves a snapshot that matches its positions; a restart resumes from them
 * (never applying a record twice) and sends only those outbox records not found on the topics
 * after the marks. Snapshots without an outbox are written at most once a second.
 */
final class AgentLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** Test seam: runs after the outbox was acknowledged and before the snapshot drops it and offsets are committed. */
    interface Hooks {
        Hooks NONE = published -> {};

        void afterPublish(List<Pending> published);
    }

    private final AgentConfig config;
    private final DeploymentTelemetry telemetry;
    private final DeploymentControl control;
    private final PlanWorker worker;
    private final Publisher publisher;
    private final SnapshotStore store;
    private final AgentMetrics metrics;
    private final Hooks hooks;
    private final Map<String, Long> resume;
    private Outbox outbox;
    private boolean outboxUncertain; // some of it may be on the broker already: check before sending
    private boolean dirty;
    private long lastSave;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile TelemetryConsumer consumer;

    AgentLoop(AgentConfig config, DeploymentTelemetry telemetry, DeploymentControl control, PlanWorker worker, Publisher publisher,
              SnapshotStore store, AgentMetrics metrics, Hooks hooks, AgentState restored) {
        this.config = config;
        this.telemetry = telemetry;
        this.control = control;
        this.worker = worker;
        this.publisher = publisher;
        this.store = store;
        this.metrics = metrics;
        this.hooks = hooks;
        this.resume = restored == null || restored.offsets() == null ? Map.of() : restored.offsets();
        this.outbox = restored == null || restored.outbox() == null ? Outbox.empty() : restored.outbox();
        this.outboxUncertain = !outbox.isEmpty();
    }

    @Override
    public void run() {
        try {
            if (!awaitTopics()) {
                return;
            }
            try (TelemetryConsumer c = new TelemetryConsumer(config.bootstrap(), config.deployment(), resume)) {
                consumer = c;
                loop(c);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("the agent's control loop stopped", e);
        }
    }

    private void loop(TelemetryConsumer c) {
        runUntilClosed(c);
        if (dirty) {
            save(c); // a clean stop leaves nothing to replay; close() commits these positions on revocation
        }
    }

    private void runUntilClosed(TelemetryConsumer c) {
        while (!closed) {
            try {
                step(c);
            } catch (WakeupException e) {
                // close() woke the poll: the loop condition ends it
            } catch (AuthenticationException | AuthorizationException | UnsupportedVersionException | RecordDeserializationException e) {
                c.abandon();
                throw e; // fatal: retrying cannot help
            } catch (KafkaException e) {
                LOG.warn("Kafka error, retrying: {}", e.toString()); // the state is consistent: nothing was committed past a snapshot
                sleep(RETRY);
            } catch (RuntimeException | Error e) {
                c.abandon(); // whatever was half done must not be committed
                throw e;
            }
        }
    }

    private void step(TelemetryConsumer c) {
        List<TelemetryConsumer.Polled> polled = c.poll(POLL);
        Instant now = Instant.now();
        for (TelemetryConsumer.Polled p : polled) {
            String skipped = telemetry.apply(p.telemetry(), now);
            if (skipped != null) {
                metrics.skipped(p.topic(), skipped, 1);
            }
        }
        boolean changed = !polled.isEmpty();
        for (WindowStats w : telemetry.closeDue(now)) {
            control.onWindow(w, now);
            changed = true;
        }
        BuildResult built = worker.poll();
        if (built != null) {
            control.onBuild(built, now);
            changed = true;
        }
        changed |= queueDecisions();
        dirty |= changed;
        if (dirty && (!outbox.isEmpty() || System.nanoTime() - lastSave >= SNAPSHOT_EVERY.toNanos())) {
            save(c); // before anything is sent and before any commit
        }
        if (!outbox.isEmpty()) {
            publish(c);
        }
        c.commit();
        Map<String, Long> lag = c.lag();
        for (String topic : TelemetryConsumer.TOPICS) {
            metrics.lag(topic, lag.containsKey(topic) ? lag.get(topic) : Double.NaN); // NaN: unknown, not 0
        }
    }

    /** Moves decided records into the outbox; the marks are taken first so a failure loses nothing. */
    private boolean queueDecisions() {
        if (!control.announcer().hasQueued()) {
            return false;
        }
        Map<String, Long> marks = outbox.isEmpty() ? publisher.marks() : Map.of();
        outbox = outbox.plus(control.announcer().drain(), marks);
        return true;
    }

    private void publish(TelemetryConsumer c) {
        List<Pending> toSend = outboxUncertain ? publisher.unpublished(outbox) : outbox.records();
        outboxUncertain = true; // until every record is acknowledged
        publisher.send(toSend);
        hooks.afterPublish(toSend);
        outbox = Outbox.empty();
        outboxUncertain = false;
        save(c);
    }

    private void save(TelemetryConsumer c) {
        store.save(new AgentState(AgentState.SCHEMA, config.deployment(), c.positions(), telemetry.windows().state(),
                telemetry.traffic().state(), telemetry.prompts().state(), control.state(), outbox));
        c.snapshotted();
        dirty = false;
        lastSave = System.nanoTime();
    }

    /** Creates the topics the agent reads and writes; retries while no broker answers. @return false when closed first */
    private boolean awaitTopics() {
        while (!closed) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
                for (Topics t : Topics.values()) {
                    t.ensure(admin, 5_000);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.warn("Kafka at {} not ready ({}); retrying", config.bootstrap(), e.toString());
                sleep(RETRY);
            }
        }
        return false;
    }

    boolean alive() {
        return failure == null;
    }

    Throwable failure() {
        return failure;
    }

    /** Stops the loop: wakes a blocked poll; the thread closes the consumer on its way out. */
    void stop() {
        closed = true;
        TelemetryConsumer c = consumer;
        if (c != null) {
            c.wakeup();
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
