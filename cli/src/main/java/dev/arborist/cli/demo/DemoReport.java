package dev.arborist.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's result: a JSON report (the fields a CI job or a person compares between runs) and a
 * PNG beside it showing p95 latency against the SLO, with the rung served, over time.
 *
 * @param baseline who picked the served rung: the agent, or a pin to dense or to the sparsest rung
 * @param baseRate requests per second at load 1 (calibrated or given)
 * @param swaps plan swaps serving made (the agent's plans, also under a baseline's pin)
 * @param rungChanges in-place base-rung moves serving made ({@code arborist_rung_changes_total}); under a pin
 *     they are the agent's moves, which the pin overrides
 * @param meanPerplexityRatio mean over the windows of the served rung's held-out perplexity ratio to dense
 * @param tokenPerplexityRatio mean over the generated tokens of the held-out perplexity ratio of the rung that produced
 *     each: unlike the windows' mean it sees the classes the per-input table sent sparser, and the steps their rows shared
 * @param finalPerplexityRatio the agent's last verified perplexity ratio (of its own rung)
 * @param inputPolicy what the agent's per-input policy did; null when it announced no table
 * @param attainmentByWindow attainment after convergence judged over longer evaluation windows (seconds to share),
 *     from the requests themselves ({@link AttainmentByWindow})
 * @param audit the agent's records on {@code arborist.decisions} during the traffic, oldest first
 * @param domainRecovery what the first drift rebuild gave back to the new domain; null when there was none
 */
public record DemoReport(String scenario, Baseline baseline, double durationSeconds, double baseRate, long requests, long failedRequests,
        long swaps, long rungChanges, double sloSeconds, double sloAttainment, double sloAttainmentAfterConvergence,
        double convergenceSeconds, double finalPerplexityRatio, double meanPerplexityRatio, double tokenPerplexityRatio, long driftEvents, List<Timeline.Point> timeline,
        InputPolicyOutcome inputPolicy, Map<Integer, Double> attainmentByWindow, List<AuditEntry> audit, DomainRecovery domainRecovery) {

    public DemoReport {
        audit = List.copyOf(audit);
        attainmentByWindow = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(attainmentByWindow)); // shortest first
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode()
                .put("scenario", scenario)
                .put("baseline", baseline.label())
                .put("duration_seconds", durationSeconds)
                .put("base_rate", baseRate)
                .put("requests", requests)
                .put("failed_requests", failedRequests)
                .put("swaps", swaps)
                .put("rung_changes", rungChanges)
                .put("slo_p95_e2e_seconds", sloSeconds);
        number(root, "slo_attainment", sloAttainment);
        number(root, "slo_attainment_after_convergence", sloAttainmentAfterConvergence);
        ObjectNode byWindow = root.putObject("slo_attainment_after_convergence_by_window_seconds");
        attainmentByWindow.forEach((seconds, share) -> number(byWindow, String.valueOf(seconds), share));
        number(root, "convergence_seconds", convergenceSeconds);
        number(root, "final_perplexity_ratio", finalPerplexityRatio);
        number(root, "mean_perplexity_ratio", meanPerplexityRatio);
        number(root, "token_perplexity_ratio", tokenPerplexityRatio);
        root.put("drift_events", driftEvents);
        if (inputPolicy == null) {
            root.putNull("input_policy");
        } else {
            inputPolicy.writeTo(root.putObject("input_policy"));
        }
        if (domainRecovery == null) {
            root.putNull("domain_recovery");
        } else {
            domainRecovery.writeTo(root.putObject("domain_recovery"));
        }
        ArrayNode decisions = root.putArray("decisions");
        audit.forEach(a -> a.writeTo(decisions.addObject()));
        ArrayNode points = root.putArray("timeline");
        for (Timeline.Point p : timeline) {
            ObjectNode n = points.addObject().put("t", p.endSeconds()).put("offered_rps", p.offeredRate()).put("completed", p.completed())
                    .put("failed", p.failed()).put("rung", p.rung()).put("swaps", p.swaps());
            number(n, "p95_seconds", p.p95Seconds());
            number(n, "sparsity", p.sparsity());
            number(n, "quality_ratio", p.qualityRatio());
            number(n, "shadow_ratio", p.shadowRatio());
            number(n, "drift_score", p.driftScore());
            number(n, "build_running", p.buildRunning()); // as the agent's gauge read when the window closed
            number(n, "build_held", p.buildHeld());
            number(n, "requests_waiting", p.waiting());
            ObjectNode tokens = n.putObject("tokens_by_rung");
            p.tokensByRung().forEach((rung, count) -> tokens.put(rung.toString(), count));
        }
        return root;
    }

    /** Writes {@code file} (JSON) and the chart beside it ({@code file} with .png). @return the chart's path */
    public Path write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
        String name = file.getFileName().toString();
        Path png = parent.resolve((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".png");
        new LatencyChart("arborist demo: " + scenario + ", " + baseline.label() + " (p95 within SLO in " + percent(sloAttainment) + " of windows)")
                .p95("p95 e2e", timeline).slo(timeline).rung("rung (0 = dense)", timeline).save(png);
        return png;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format("%.0f%%", 100 * share);
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
