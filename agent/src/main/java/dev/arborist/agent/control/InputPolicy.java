package dev.arborist.agent.control;

import dev.arborist.agent.window.InputEvidence;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.SloSpec;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The per-input half of the control loop. After each window it learns the policy table from the
 * evidence of the plan served and says when to announce it: when it routes some input class
 * differently from the table in force, at most once per cool-down. The table only ever sends a
 * class sparser than the controller's base rung, and only to rungs that cost that class at most the
 * SLO's input tolerance, so it trades nothing measurable for the latency it saves.
 */
final class InputPolicy {
    private final SloSpec spec;
    private Instant lastAnnounced;

    InputPolicy(SloSpec spec) {
        this.spec = spec;
    }

    /** @return the table to announce with {@code served}, or null when the one in force still holds */
    PolicyTable due(ServedPlan served, InputEvidence evidence, Instant now) {
        if (served.rungs().size() < 2 || evidence.profiled() < InputEvidence.MIN_SAMPLES) {
            return null;
        }
        if (lastAnnounced != null && now.isBefore(lastAnnounced.plus(spec.cooldown()))) {
            return null;
        }
        PolicyTable learned = evidence.learn(served.rungs(), spec.inputToleranceNats());
        if (learned.rungs().equals(served.policy().rungs())) {
            return null;
        }
        lastAnnounced = now;
        return learned;
    }

    /** The audit reason of an announced table. */
    String reason(PolicyTable table, long profiled) {
        String tolerance = String.format(Locale.ROOT, "%.1f%%", spec.inputTolerance() * 100);
        if (table.entries().isEmpty()) {
            return "per-input policy from " + profiled + " shadow-profiled requests: no input class tolerates a sparser rung within "
                    + tolerance + "; every request at the base rung";
        }
        List<String> classes = table.entries().stream().map(e -> String.format(Locale.ROOT, "%s -> rung %d (%+.1f%% on %d profiles)",
                label(e.features()), e.rung(), Math.expm1(e.meanDropNats()) * 100, e.samples())).toList();
        return "per-input policy from " + profiled + " shadow-profiled requests, classes tolerating a sparser rung within " + tolerance
                + ": " + String.join(", ", classes);
    }

    private static String label(PolicyTable.Features f) {
        return "class " + f.sloClass() + "/" + f.lengthBucket() + "/signature " + f.signature();
    }
}
