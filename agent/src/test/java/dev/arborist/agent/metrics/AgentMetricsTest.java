package dev.arborist.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    @Test
    @DisplayName("every dashboard metric is exported under its exact name, promtool finds nothing to complain about, and /health/live follows the loop")
    void exposition() throws Exception {
        AtomicBoolean live = new AtomicBoolean(true);
        try (AgentMetrics m = new AgentMetrics("prod", List.of("arborist.telemetry.requests", "arborist.telemetry.stats"));
             MetricsServer server = MetricsServer.start("127.0.0.1", 0, m::scrape, live::get)) {
            m.decision("sparser");
            m.planBuild("published");
            m.skipped("arborist.telemetry.requests", "malformed", 2);
            m.lag("arborist.telemetry.requests", 5);
            m.served(2, 0.25, 1.04);
            m.qualityBudget(1.1);
            m.shadowQuality(1.07);
            m.driftScore(0.01);
            m.sloTarget("e2e_p95", 1.5);
            m.observedLatency("e2e_p95", 1.2);
            m.expertUsage(new double[][] {{0.5, 0.5}});
            m.statisticsTokens(1536);
            m.buildState(true, false);
            HttpClient http = HttpClient.newHttpClient();
            String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(text)
                    .contains("arborist_agent_decisions_total{action=\"sparser\",deployment=\"prod\"} 1.0")
                    .contains("arborist_agent_decisions_total{action=\"hold\",deployment=\"prod\"} 0.0")
                    .contains("arborist_agent_rung{deployment=\"prod\"} 2.0")
                    .contains("arborist_agent_sparsity_ratio{deployment=\"prod\"} 0.25")
                    .contains("arborist_slo_target_seconds{deployment=\"prod\",metric=\"e2e_p95\"} 1.5")
                    .contains("arborist_agent_observed_latency_seconds{deployment=\"prod\",metric=\"e2e_p95\"} 1.2")
                    .contains("arborist_agent_quality_ratio{deployment=\"prod\"} 1.04")
                    .contains("arborist_agent_quality_budget_ratio{deployment=\"prod\"} 1.1")
                    .contains("arborist_agent_shadow_quality_ratio{deployment=\"prod\"} 1.07")
                    .contains("arborist_agent_plan_builds_total{deployment=\"prod\",result=\"published\"} 1.0")
                    .contains("arborist_agent_plan_builds_total{deployment=\"prod\",result=\"rejected\"} 0.0")
                    .contains("arborist_agent_drift_score{deployment=\"prod\"} 0.01")
                    .contains("arborist_agent_statistics_tokens{deployment=\"prod\"} 1536.0")
                    .contains("arborist_agent_plan_build_running{deployment=\"prod\"} 1.0")
                    .contains("arborist_agent_plan_build_held{deployment=\"prod\"} 0.0")
                    .contains("arborist_agent_expert_usage_ratio{deployment=\"prod\",expert=\"1\",layer=\"0\"} 0.5")
                    .contains("arborist_agent_consumer_lag_records{topic=\"arborist.telemetry.requests\"} 5.0")
                    .contains("arborist_agent_events_skipped_total{reason=\"malformed\",topic=\"arborist.telemetry.requests\"} 2.0");
            assertThat(promtool(text)).isEmpty();
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health/live");
            assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            live.set(false);
            assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        }
    }

    @Test
    @DisplayName("a lag reading older than LAG_MAX_AGE reads as NaN (unknown), not as its last value; the next reading holds again;"
            + " other gauges keep theirs")
    void staleLagIsUnknown() {
        AtomicLong now = new AtomicLong();
        String topic = "arborist.telemetry.requests";
        try (AgentMetrics m = new AgentMetrics("prod", List.of(topic), now::get)) {
            m.lag(topic, 0);
            m.rung(1);
            now.addAndGet(AgentMetrics.LAG_MAX_AGE.toNanos());
            assertThat(m.scrape()).contains("arborist_agent_consumer_lag_records{topic=\"arborist.telemetry.requests\"} 0.0");

            now.incrementAndGet();
            assertThat(m.scrape()).contains("arborist_agent_consumer_lag_records{topic=\"arborist.telemetry.requests\"} NaN")
                    .contains("arborist_agent_rung{deployment=\"prod\"} 1.0");

            m.lag(topic, 7);
            assertThat(m.scrape()).contains("arborist_agent_consumer_lag_records{topic=\"arborist.telemetry.requests\"} 7.0");
        }
    }

    /** promtool's complaints; the test is skipped where promtool is not installed. */
    private static String promtool(String exposition) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed (apt-get install prometheus)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.trim();
    }
}
