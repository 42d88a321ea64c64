package dev.arborist.cli.demo;

import dev.arborist.events.Decision;
import dev.arborist.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the deployment's audit log back from {@code arborist.decisions}, as an operator would, to count what happened. */
final class DecisionTally {
    private static final Duration POLL = Duration.ofMillis(500);

    private DecisionTally() {
    }

    /** Rebuilds the agent published because traffic drifted. */
    static long driftRebuilds(String bootstrap, String deployment) {
        return read(bootstrap, deployment).stream()
                .filter(d -> "agent".equals(d.replica()) && "rebuild".equals(d.action()) && d.planId() != null)
                .filter(d -> d.reason() != null && d.reason().startsWith("drift"))
                .count();
    }

    static List<Decision> read(String bootstrap, String deployment) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "arborist-demo-report-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DECISIONS.topic()));
            List<Decision> decisions = new java.util.ArrayList<>();
            int emptyPolls = 0;
            while (emptyPolls < 4) { // the log is read to its end once four polls in a row bring nothing
                var records = consumer.poll(POLL);
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (deployment.equals(r.key())) {
                        try {
                            decisions.add(Decision.parse(r.value()));
                        } catch (IllegalArgumentException malformed) {
                            // not ours to judge: the agent counts malformed events, the demo only tallies
                        }
                    }
                }
            }
            return decisions;
        }
    }
}
