package dev.arborist.policies.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SloSpecTest {

    @Test
    @DisplayName("YAML with every key parses into the record")
    void yamlEveryKey() {
        SloSpec s = SloSpec.parse("""
                deployment: chat
                ttft_p95_seconds: 0.5
                itl_p95_seconds: 0.05
                e2e_p95_seconds: 2
                quality_budget: 0.15
                cooldown_seconds: 45.5
                max_step: 2
                headroom_fraction: 0.6
                guard_fraction: 0.9
                headroom_windows: 4
                violation_windows: 2
                min_requests: 20
                input_tolerance: 0.01
                """, "slo.yaml");

        assertThat(s).isEqualTo(new SloSpec("chat", 0.5, 0.05, 2.0, 0.15, Duration.ofMillis(45_500), 2, 0.6, 0.9, 4, 2, 20, 0.01));
    }

    @Test
    @DisplayName("JSON with only the required keys gets the documented defaults")
    void jsonDefaults() {
        SloSpec s = SloSpec.parse("{\"deployment\": \"chat\", \"e2e_p95_seconds\": 1.0, \"quality_budget\": 0.1}", "slo.json");

        assertThat(s.ttftP95Seconds()).isNull();
        assertThat(s.e2eP95Seconds()).isEqualTo(1.0);
        assertThat(s.cooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxStep()).isEqualTo(1);
        assertThat(s.headroomFraction()).isEqualTo(0.7);
        assertThat(s.guardFraction()).as("the target itself").isEqualTo(1.0);
        assertThat(s.headroomWindows()).isEqualTo(3);
        assertThat(s.violationWindows()).isEqualTo(1);
        assertThat(s.minRequests()).isEqualTo(5);
        assertThat(s.maxPerplexityRatio()).isEqualTo(1.1);
        assertThat(s.inputTolerance()).isEqualTo(0.02);
        assertThat(SloSpec.builder("tight").e2eP95Seconds(1).qualityBudget(0.01).build().inputTolerance())
                .as("never above the budget").isEqualTo(0.01);
        assertThatThrownBy(() -> SloSpec.parse("{\"deployment\": \"x\", \"e2e_p95_seconds\": 1, \"quality_budget\": 0.1,"
                + " \"input_tolerance\": 0.2}", "slo.json")).hasMessageContaining("input_tolerance must be a fraction between 0 and quality_budget");
    }

    @Test
    @DisplayName("a file may hold a list of specs, one per deployment; read() insists on exactly one")
    void severalDeployments(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("slo.yaml");
        Files.writeString(file, """
                - deployment: chat
                  e2e_p95_seconds: 1.0
                  quality_budget: 0.1
                - deployment: batch
                  itl_p95_seconds: 0.2
                  quality_budget: 0.3
                  cooldown_seconds: 120
                """);

        List<SloSpec> specs = SloSpec.readAll(file);
        assertThat(specs).extracting(SloSpec::deployment).containsExactly("chat", "batch");
        assertThat(specs.get(1).cooldown()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> SloSpec.read(file)).hasMessageContaining(file.toString()).hasMessageContaining("readAll");
        Path single = Files.writeString(dir.resolve("one.json"), "{\"deployment\":\"x\",\"ttft_p95_seconds\":0.3,\"quality_budget\":0}");
        assertThat(SloSpec.read(single).ttftP95Seconds()).isEqualTo(0.3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ttft_p99_seconds: 1                  | unknown key 'ttft_p99_seconds'",
            "max_step: 0                          | max_step must be at least 1, got 0",
            "max_step: 1.5                        | max_step must be a whole number",
            "cooldown_seconds: soon               | cooldown_seconds must be a number",
            "cooldown_seconds: -1                 | cooldown_seconds must be a non-negative",
            "headroom_fraction: 1.2               | headroom_fraction must be in (0, 1)",
            "guard_fraction: 0.7                  | guard_fraction must be above headroom_fraction 0.7 and at most 1 (the target), got 0.7",
            "guard_fraction: 1.1                  | guard_fraction must be above headroom_fraction 0.7",
            "quality_budget: -0.1                 | quality_budget must be a non-negative fraction",
            "e2e_p95_seconds: 0                   | e2e_p95_seconds must be a positive number",
            "violation_windows: 0                 | violation_windows must be at least 1",
            "min_requests: many                   | min_requests must be a whole number",
            "deployment: 7                        | deployment must be a string"})
    @DisplayName("an unknown key or an invalid value is an error naming the key and the file")
    void errorsNameKeyAndFile(String line, String message) {
        String yaml = "deployment: chat\ne2e_p95_seconds: 1.0\nquality_budget: 0.1\n";
        String key = line.substring(0, line.indexOf(':'));
        yaml = yaml.lines().filter(l -> !l.startsWith(key + ":")).reduce("", (a, b) -> a + b + "\n") + line + "\n";
        String finalYaml = yaml;

        assertThatThrownBy(() -> SloSpec.parse(finalYaml, "slo.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("slo.yaml")
                .hasMessageContaining(message);
    }

    @Test
    @DisplayName("missing targets, a missing budget, duplicates and malformed text are errors that say what to fix")
    void structuralErrors() {
        assertThatThrownBy(() -> SloSpec.parse("deployment: chat\nquality_budget: 0.1\n", "a.yaml"))
                .hasMessageContaining("ttft_p95_seconds, itl_p95_seconds or e2e_p95_seconds");
        assertThatThrownBy(() -> SloSpec.parse("deployment: chat\ne2e_p95_seconds: 1\n", "a.yaml"))
                .hasMessageContaining("missing required key 'quality_budget'");
        assertThatThrownBy(() -> SloSpec.parse("[{\"deployment\":\"a\",\"e2e_p95_seconds\":1,\"quality_budget\":0.1},"
                + "{\"deployment\":\"a\",\"e2e_p95_seconds\":2,\"quality_budget\":0.1}]", "b.json"))
                .hasMessageContaining("b.json entry 2: deployment 'a' appears twice");
        assertThatThrownBy(() -> SloSpec.parse("{\"deployment\": \"chat\",", "c.json")).hasMessageStartingWith("c.json: not valid JSON");
        assertThatThrownBy(() -> SloSpec.parse("deployment: chat\ndeployment: other\n", "d.yaml")).hasMessageContaining("Duplicate field 'deployment'");
        assertThatThrownBy(() -> SloSpec.parse("", "e.yaml")).hasMessageContaining("empty");
    }

    @Test
    @DisplayName("an unreadable file names the file")
    void unreadableFile(@TempDir Path dir) {
        Path missing = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> SloSpec.read(missing)).isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
    }
}
