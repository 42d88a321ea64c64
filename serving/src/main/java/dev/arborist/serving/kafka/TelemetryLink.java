package dev.arborist.serving.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka is reachable, and the telemetry topic made sure of. {@link #connect()} probes the
 * cluster with an admin client and creates the topic if it is missing; {@link #lost} marks the
 * link down after a failed delivery. Logs one line per change, not per retry.
 */
final class TelemetryLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryLink.class);
    private static final long PROBE_TIMEOUT_MS = 2_000;
    private static final Duration RETENTION = Duration.ofHours(24);

    private final String bootstrap;
    private final String topic;
    private volatile boolean connected;
    private boolean warned;
    private Admin admin;

    TelemetryLink(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    boolean connected() {
        return connected;
    }

    /** Probes the cluster and makes sure the topic exists; true when both worked. */
    boolean connect() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig());
            }
            admin.describeCluster().clusterId().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            createTopic();
            connected = true;
            warned = false;
            log.info("Telemetry connected to Kafka at {}, topic {}", bootstrap, topic);
            return true;
        } catch (Exception e) { // unreachable, unresolvable, timed out: all mean "not yet"
            if (!warned) {
                warned = true;
                log.warn("No Kafka broker reachable at {} ({}): serving goes on, telemetry is buffered and dropped when full; retrying",
                        bootstrap, e.getClass().getSimpleName());
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    void lost(Exception cause) {
        if (connected) {
            connected = false;
            log.warn("Telemetry lost Kafka at {}: {}", bootstrap, cause.toString());
        }
    }

    private void createTopic() throws Exception {
        NewTopic newTopic = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION.toMillis())));
        try {
            admin.createTopics(Set.of(newTopic)).all().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private Map<String, Object> adminConfig() {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT_MS,
                // Without a broker, retry the connection every second rather than backing off further.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    }

    @Override
    public void close() {
        connected = false;
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
