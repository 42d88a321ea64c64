package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Input-dependent pruning end to end, all real: serving profiles a sample of requests at every rung
 * (shadow scores), the agent learns the per-input policy table from those profiles and announces it
 * with the plan, and serving runs each request at its class's rung. The traffic mixes chit-chat
 * ("interactive") and copy-heavy requests ("bulk") at a load the dense model meets, so the controller's
 * base rung stays dense and every sparser request comes from the table.
 */
@Timeout(600)
class InputDependenceTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final double BUDGET = 0.15;

    @Test
    @DisplayName("mixed traffic: the agent learns a per-input table from live shadow profiles; serving's classes run"
            + " sparser, and each pays at most the input tolerance")
    void learnedTableSendsTolerantClassesSparser() throws Exception {
        DemoRun.Settings settings = new DemoRun.Settings(MODEL, Scenario.MIXED, Duration.ofSeconds(100), 0, 0, Duration.ofSeconds(3), null,
                null, BUDGET, 16, 5, true, Baseline.AGENT);
        DemoReport report;
        try (DemoRun run = DemoRun.prepare(settings, line -> System.out.println("[mixed] " + line))) {
            report = run.run();
            System.out.println(report.toJson().toPrettyString()); // the evidence, in the surefire output
        }

        InputPolicyOutcome inputs = report.inputPolicy();
        assertThat(inputs).as("the agent announced a per-input policy table").isNotNull();
        PolicyTable table = inputs.table();
        // a row may be a whole class or one prompt signature within it: either sends that class's inputs sparser
        List<String> sparser = Arrays.stream(PromptPool.Domain.values()).map(PromptPool.Domain::sloClass)
                .filter(c -> table.entries().stream().anyMatch(e -> e.sloClass().equals(c) && e.rung() > 0)).toList();
        assertThat(sparser).as("classes the table sends sparser than dense (%s)", table).isNotEmpty();
        // on the bundled model every rung costs copy-heavy text more than chit-chat (BENCHMARKS.md, input dependence)
        String chat = PromptPool.Domain.CHAT.sloClass();
        String copy = PromptPool.Domain.REPEAT.sloClass();
        assertThat(table.rungFor(copy, bucket(copy), null, 0)).as("the copy-heavy class runs no sparser than chit-chat (%s)", table)
                .isLessThanOrEqualTo(table.rungFor(chat, bucket(chat), null, 0));
        // Mean latency before and after the first table is in the report; on two cores the few seconds before the first
        // table are too short a baseline to assert on (BENCHMARKS.md compares whole runs against always-dense instead).
        double tolerance = Math.log1p(SloSpec.DEFAULT_INPUT_TOLERANCE);
        assertThat(table.entries()).as("every class sent sparser pays at most the tolerance")
                .allSatisfy(e -> assertThat(e.meanDropNats()).isLessThanOrEqualTo(tolerance));
        assertThat(report.failedRequests()).isZero();
    }

    /** The length bucket the demo's prompts of a class mostly fall in: chit-chat is short, formal and copy-heavy text medium. */
    private static String bucket(String sloClass) {
        return sloClass.equals(PromptPool.Domain.CHAT.sloClass()) ? "short" : "medium";
    }
}
