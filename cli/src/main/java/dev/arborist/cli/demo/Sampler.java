package dev.arborist.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Turns one control window into a timeline point: client-side latencies of the requests that
 * finished in it, plus what serving's and the agent's /metrics say right now.
 */
final class Sampler {
    /**
     * What the run ends with: swaps and in-place rung moves serving made, the agent's last verified quality.
     *
     * @param tokensByRung tokens serving generated at each rung of an elastic plan ({@code arborist_level_tokens_total}):
     *     serving starts with the run and has no ladder before the agent's first plan, so they are the traffic's
     */
    record Totals(double swaps, double rungChanges, double qualityRatio, Map<Integer, Double> tokensByRung) {
        Totals {
            tokensByRung = Map.copyOf(tokensByRung);
        }

        /**
         * Mean over the generated tokens of the held-out perplexity ratio of the rung that produced each: the
         * quality served, the per-input table's sparser classes included. Tokens of rungs not on the ladder are left
         * out; NaN when none is left.
         *
         * @param ratios the perplexity ratio of each rung of a ladder, rung 0 first
         */
        double perplexityRatioOfTokens(List<Double> ratios) {
            double tokens = 0;
            double weighted = 0;
            for (Map.Entry<Integer, Double> e : tokensByRung.entrySet()) {
                if (e.getKey() < ratios.size()) {
                    tokens += e.getValue();
                    weighted += e.getValue() * ratios.get(e.getKey());
                }
            }
            return tokens == 0 ? Double.NaN : weighted / tokens;
        }
    }

    private static final String LEVEL_TOKENS = "arborist_level_tokens_total";
    private static final Map<String, String> DEPLOYMENT = Map.of("deployment", DemoRun.DEPLOYMENT);

    private final HttpClient http;
    private final URI servingMetrics;
    private final URI agentMetrics;
    private PrometheusText lastServing = PrometheusText.parse("");
    private PrometheusText lastAgent = PrometheusText.parse("");
    private Map<Integer, Double> tokensAtLastPoint = Map.of();

    Sampler(HttpClient http, URI servingMetrics, URI agentMetrics) {
        this.http = http;
        this.servingMetrics = servingMetrics;
        this.agentMetrics = agentMetrics;
    }

    /** @param pinned the rung a baseline pins serving to; empty when the agent's rung is served */
    Timeline.Point point(double t, double offeredRate, List<TrafficGenerator.Result> finished, double slo, OptionalInt pinned)
            throws InterruptedException {
        scrape();
        List<Double> ok = finished.stream().filter(TrafficGenerator.Result::ok).map(TrafficGenerator.Result::e2eSeconds).toList();
        int rung = pinned.isPresent() ? pinned.getAsInt() : (int) agent("arborist_agent_rung", -1);
        return new Timeline.Point(t, offeredRate, ok.size(), finished.size() - ok.size(), Quantiles.p95(ok), slo,
                rung, agent("arborist_agent_sparsity_ratio", Double.NaN), swaps(),
                agent("arborist_agent_quality_ratio", Double.NaN), agent("arborist_agent_shadow_quality_ratio", Double.NaN),
                agent("arborist_agent_drift_score", Double.NaN), agent("arborist_agent_plan_build_running", Double.NaN),
                agent("arborist_agent_plan_build_held", Double.NaN), tokensSinceLastPoint(),
                lastServing.sum("arborist_requests_waiting").orElse(Double.NaN));
    }

    /** Tokens generated at each rung since the last point (since serving started, for the first). */
    private Map<Integer, Double> tokensSinceLastPoint() {
        Map<Integer, Double> now = tokensByRung();
        Map<Integer, Double> since = new TreeMap<>();
        now.forEach((rung, tokens) -> {
            double added = tokens - tokensAtLastPoint.getOrDefault(rung, 0.0);
            if (added > 0) {
                since.put(rung, added);
            }
        });
        tokensAtLastPoint = now;
        return since;
    }

    Totals totals() throws InterruptedException {
        scrape();
        return new Totals(swaps(), lastServing.sum("arborist_rung_changes_total").orElse(0),
                agent("arborist_agent_quality_ratio", Double.NaN), tokensByRung());
    }

    private Map<Integer, Double> tokensByRung() {
        Map<Integer, Double> tokens = new TreeMap<>();
        for (PrometheusText.Sample s : lastServing.samples(LEVEL_TOKENS)) {
            tokens.merge(Integer.parseInt(s.labels().get("rung")), s.value(), Double::sum);
        }
        return tokens;
    }

    /** A failed scrape keeps the previous values: the status line must not stop because one endpoint was slow. */
    private void scrape() throws InterruptedException {
        try {
            lastServing = PrometheusText.scrape(http, servingMetrics);
            lastAgent = PrometheusText.scrape(http, agentMetrics);
        } catch (IOException e) {
            // keep the last values
        }
    }

    private double swaps() {
        return lastServing.sum("arborist_swaps_total", Map.of("result", "ok")).orElse(0);
    }

    private double agent(String name, double missing) {
        double v = lastAgent.sum(name, DEPLOYMENT).orElse(missing);
        return Double.isNaN(v) ? missing : v;
    }
}
