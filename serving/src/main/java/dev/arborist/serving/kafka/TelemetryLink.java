package dev.arborist.serving.kafka;

import dev.arborist.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka is reachable, and the telemetry topics made sure of. {@link #connect()} probes the
 * cluster with an admin client and creates the topics that are missing; {@link #lost} marks the
 * link down after a failed delivery, {@link #check} after a failed probe. Logs one line per change,
 * not per retry.
 */
final class TelemetryLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryLink.class);
    private static final long PROBE_TIMEOUT_MS = 2_000;

    private final String bootstrap;
    private final List<Topics> topics;
    private volatile boolean connected;
    private boolean warned;
    private Admin admin;

    TelemetryLink(String bootstrap, List<Topics> topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    boolean connected() {
        return connected;
    }

    /** Probes the cluster and makes sure the topics exist; true when both worked. */
    boolean connect() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig());
            }
            admin.describeCluster().clusterId().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (Topics topic : topics) {
                topic.ensure(admin, PROBE_TIMEOUT_MS);
            }
            connected = true;
            warned = false;
            log.info("Telemetry connected to Kafka at {}, topic {}", bootstrap, topics);
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

    /** Probes a link believed up and marks it lost when the cluster does not answer. */
    void check() {
        if (!connected) {
            return;
        }
        try {
            admin.describeCluster().clusterId().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            lost(e);
        }
    }

    void lost(Exception cause) {
        if (connected) {
            connected = false;
            log.warn("Telemetry lost Kafka at {}: {}", bootstrap, cause.toString());
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
