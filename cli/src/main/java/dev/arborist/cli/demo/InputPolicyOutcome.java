package dev.arborist.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.policies.control.PolicyTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the agent's per-input policy did in a run: when its first table came (seconds after the
 * traffic started), the table in force at the end, and each traffic class's mean end-to-end latency
 * over the requests sent before that moment and after it (classes the run offered no traffic are left out).
 */
public record InputPolicyOutcome(double firstTableSeconds, PolicyTable table, List<ClassLatency> classes) {

    /** One SLO class's requests before and after the first table; a mean is NaN without requests. */
    public record ClassLatency(String sloClass, long requestsBefore, double meanE2eBefore, long requestsAfter, double meanE2eAfter) {
    }

    static InputPolicyOutcome of(double firstTableSeconds, PolicyTable table, List<TrafficGenerator.Result> results) {
        List<ClassLatency> classes = new ArrayList<>();
        for (PromptPool.Domain domain : PromptPool.Domain.values()) {
            List<TrafficGenerator.Result> ok = results.stream().filter(r -> r.ok() && r.domain() == domain).toList();
            if (ok.isEmpty()) {
                continue; // a domain this scenario does not offer
            }
            List<TrafficGenerator.Result> before = ok.stream().filter(r -> r.sentAtSeconds() < firstTableSeconds).toList();
            List<TrafficGenerator.Result> after = ok.stream().filter(r -> r.sentAtSeconds() >= firstTableSeconds).toList();
            classes.add(new ClassLatency(domain.sloClass(), before.size(), meanE2e(before), after.size(), meanE2e(after)));
        }
        return new InputPolicyOutcome(firstTableSeconds, table, classes);
    }

    public ClassLatency of(String sloClass) {
        return classes.stream().filter(c -> c.sloClass().equals(sloClass)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no traffic class " + sloClass));
    }

    void writeTo(ObjectNode node) {
        node.put("first_table_seconds", firstTableSeconds);
        var entries = node.putArray("table");
        for (PolicyTable.Entry e : table.entries()) {
            ObjectNode n = entries.addObject().put("slo_class", e.sloClass()).put("length_bucket", e.lengthBucket()).put("rung", e.rung())
                    .put("profiled_requests", e.samples())
                    .put("perplexity_increase", Double.parseDouble(String.format(Locale.ROOT, "%.4f", Math.expm1(e.meanDropNats()))));
            if (e.signature() != null) {
                n.put("signature", e.signature());
            }
        }
        var byClass = node.putObject("classes");
        for (ClassLatency c : classes) {
            ObjectNode n = byClass.putObject(c.sloClass()).put("requests_before", c.requestsBefore()).put("requests_after", c.requestsAfter());
            number(n, "mean_e2e_seconds_before", c.meanE2eBefore());
            number(n, "mean_e2e_seconds_after", c.meanE2eAfter());
        }
    }

    private static double meanE2e(List<TrafficGenerator.Result> results) {
        return results.stream().mapToDouble(TrafficGenerator.Result::e2eSeconds).average().orElse(Double.NaN);
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
