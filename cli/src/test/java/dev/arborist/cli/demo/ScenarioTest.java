package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's closed loop end to end, in one JVM and all real: embedded Kafka, serving on the
 * bundled model, the agent, open-loop HTTP traffic. Load and SLO are calibrated on the machine
 * running the test, so "doubling the load overloads dense" holds on a fast and a slow machine.
 */
@Timeout(600)
class ScenarioTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final double BUDGET = 0.15;

    @Test
    @DisplayName("domain shift: traffic moves to text whose experts were trimmed; the agent detects the drift and rebuilds from recent statistics")
    void domainShift() throws Exception {
        DemoReport report = run(Scenario.DOMAIN_SHIFT, Duration.ofSeconds(96));
        assertThat(report.driftEvents()).as("plans rebuilt because traffic drifted").isPositive();
        double shift = report.durationSeconds() / 3;
        assertThat(report.timeline().stream().filter(p -> p.endSeconds() > shift).mapToDouble(Timeline.Point::driftScore)
                .filter(d -> !Double.isNaN(d)).max().orElse(0)).as("largest drift score after the shift").isPositive();
        assertThat(report.failedRequests()).isZero();
    }

    private static DemoReport run(Scenario scenario, Duration duration) throws Exception {
        DemoRun.Settings settings = new DemoRun.Settings(MODEL, scenario, duration, 0, 0, WINDOW, null, null, BUDGET, 16, 11, true,
                Baseline.AGENT);
        try (DemoRun run = DemoRun.prepare(settings, line -> System.out.println("[" + scenario.label() + "] " + line))) {
            DemoReport report = run.run();
            System.out.println(report.toJson().toPrettyString()); // the evidence, in the surefire output
            return report;
        }
    }
}
