package dev.arborist.cli.reliability;

import dev.arborist.cli.demo.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

/** Reads serving's and the agent's /metrics, as a Prometheus server would: the test looks from outside the processes. */
final class Scrapes {
    /** Serving's telemetry meters at one scrape. */
    record Telemetry(double sent, double dropped, double connected) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI serving;
    private final URI agent;

    Scrapes(URI servingServer, int agentMetricsPort) {
        this.serving = servingServer.resolve("/metrics");
        this.agent = URI.create("http://127.0.0.1:" + agentMetricsPort + "/metrics");
    }

    Telemetry telemetry() throws IOException, InterruptedException {
        PrometheusText m = PrometheusText.scrape(http, serving);
        return new Telemetry(m.sum("arborist_telemetry_sent_total").orElse(Double.NaN), m.sum("arborist_telemetry_dropped_total").orElse(Double.NaN),
                m.sum("arborist_telemetry_connected").orElse(Double.NaN));
    }

    /** Plans serving swapped in successfully. */
    double swaps() throws IOException, InterruptedException {
        return PrometheusText.scrape(http, serving).sum("arborist_swaps_total", Map.of("result", "ok")).orElse(0);
    }

    /** Records not yet consumed by the agent, summed over its topics; NaN until the agent has measured it. */
    double agentLag() throws IOException, InterruptedException {
        return PrometheusText.scrape(http, agent).sum("arborist_agent_consumer_lag_records").orElse(Double.NaN);
    }

    /** Events the agent skipped because their control window had already closed. */
    double agentLateEvents() throws IOException, InterruptedException {
        return PrometheusText.scrape(http, agent).sum("arborist_agent_events_skipped_total", Map.of("reason", "late")).orElse(Double.NaN);
    }
}
