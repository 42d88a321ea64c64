package dev.arborist.dashboards;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The series the agent exposes, with their labels and, where the agent enumerates them, the label values.
 * This is the one place the dashboard and alert tests learn the agent's names from; the agent module will
 * provide them from its own registry, and this list gives way to it then.
 */
final class AgentMetrics {
    private static final String[] LATENCY_METRICS = {"ttft_p95", "itl_p95", "e2e_p95"};

    /** Series name -> label -> allowed values (empty: any value). */
    static final Map<String, Map<String, Set<String>>> SERIES = build();

    private AgentMetrics() {}

    private static Map<String, Map<String, Set<String>>> build() {
        Map<String, Map<String, Set<String>>> m = new LinkedHashMap<>();
        m.put("arborist_agent_decisions_total", Map.of("deployment", Set.of(),
                "action", Set.of("hold", "sparser", "denser", "rebuild", "rollback")));
        m.put("arborist_agent_rung", Map.of("deployment", Set.of()));
        m.put("arborist_agent_sparsity_ratio", Map.of("deployment", Set.of()));
        m.put("arborist_slo_target_seconds", Map.of("deployment", Set.of(), "metric", Set.of(LATENCY_METRICS)));
        m.put("arborist_agent_observed_latency_seconds", Map.of("deployment", Set.of(), "metric", Set.of(LATENCY_METRICS)));
        m.put("arborist_agent_quality_ratio", Map.of("deployment", Set.of()));
        m.put("arborist_agent_quality_budget_ratio", Map.of("deployment", Set.of()));
        m.put("arborist_agent_plan_builds_total", Map.of("deployment", Set.of(), "result", Set.of("published", "rejected")));
        m.put("arborist_agent_drift_score", Map.of("deployment", Set.of()));
        m.put("arborist_agent_expert_usage_ratio", Map.of("deployment", Set.of(), "layer", Set.of(), "expert", Set.of()));
        m.put("arborist_agent_consumer_lag_records", Map.of("topic", Set.of()));
        m.put("arborist_agent_events_skipped_total", Map.of("topic", Set.of(), "reason", Set.of()));
        return Map.copyOf(m);
    }
}
