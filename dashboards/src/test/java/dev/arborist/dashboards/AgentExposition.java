package dev.arborist.dashboards;

import dev.arborist.agent.consume.TelemetryConsumer;
import dev.arborist.agent.metrics.AgentMetrics;
import java.util.Map;
import java.util.Set;

/**
 * What the agent really exposes on /metrics: its own meter registry ({@link AgentMetrics}), built as the agent
 * builds it, for the topics it consumes.
 */
final class AgentExposition {
    /** Labels whose values the agent registers up front (every action, build result, latency, skip reason and topic). */
    private static final Set<String> ENUMERATED = Set.of("action", "result", "metric", "reason", "topic");

    private AgentExposition() {}

    /** Series name -> label -> values, as {@link Exposition#parse} reads them. */
    static Map<String, Map<String, Set<String>>> series() {
        try (AgentMetrics metrics = new AgentMetrics("dashboards", TelemetryConsumer.TOPICS)) {
            // The expert usage gauges are registered when the first window closes, one per (layer, expert).
            metrics.expertUsage(new double[][] {{0.5, 0.5}});
            return Exposition.parse(metrics.scrape(), ENUMERATED);
        }
    }
}
