package dev.arborist.events;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** The Arborist topics, each with its policy from DESIGN.md, created when missing. */
public enum Topics {
    REQUESTS("arborist.telemetry.requests", TopicConfig.CLEANUP_POLICY_DELETE, Duration.ofHours(24)),
    STATS("arborist.telemetry.stats", TopicConfig.CLEANUP_POLICY_DELETE, Duration.ofHours(24)),
    MODELS("arborist.models", TopicConfig.CLEANUP_POLICY_COMPACT, null),
    DECISIONS("arborist.decisions", TopicConfig.CLEANUP_POLICY_DELETE, Duration.ofDays(90));

    private final String topic;
    private final String cleanup;
    private final Duration retention; // null: the broker's default (compacted topics keep the last value per key)

    Topics(String topic, String cleanup, Duration retention) {
        this.topic = topic;
        this.cleanup = cleanup;
        this.retention = retention;
    }

    /** The topic's name. */
    public String topic() {
        return topic;
    }

    /** Creates the topic with its policy unless it exists; an existing topic is left as it is. */
    public void ensure(Admin admin, long timeoutMs) throws Exception {
        Map<String, String> configs = retention == null ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup)
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup, TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis()));
        NewTopic newTopic = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(configs);
        try {
            admin.createTopics(Set.of(newTopic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
