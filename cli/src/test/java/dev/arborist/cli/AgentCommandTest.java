package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {
    @TempDir
    Path dir;

    private CliFixture.Run agent(Path model, String... more) {
        String[] base = {"agent", "--kafka", "127.0.0.1:1", "--model", model.toString(), "--store", dir.resolve("store").toString(),
                "--deployment", "prod"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliFixture.run(args);
    }

    @Test
    @DisplayName("agent refuses bad windows, ports, SLO files and missing options with one line naming the problem, before starting anything")
    void badInput() throws Exception {
        Path model = new CliFixture(dir).model(dir.resolve("m"), 1);
        Files.writeString(model.resolve("eval.txt"), "the model keeps most weights\n");

        CliFixture.Run window = agent(model, "--window", "50ms");
        assertThat(window.exitCode()).isEqualTo(2);
        assertThat(window.err()).isEqualTo("arborist agent: the window must be at least 100 ms, got PT0.05S" + System.lineSeparator());

        CliFixture.Run words = agent(model, "--window", "ten seconds");
        assertThat(words.exitCode()).isEqualTo(2);
        assertThat(words.err()).contains("'ten seconds' is not a duration: use e.g. 500ms, 10s, 2m, 1h or PT10S");

        CliFixture.Run port = agent(model, "--metrics-port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("the metrics port must be in 0..65535, got 70000");

        Path spec = Files.writeString(dir.resolve("slo.yaml"), "deployment: staging\ne2e_p95_seconds: 1.0\nquality_budget: 0.1\n");
        CliFixture.Run other = agent(model, "--config", spec.toString());
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("has no SLO for deployment 'prod' (it has: staging)");

        CliFixture.Run noFile = agent(model, "--config", dir.resolve("absent.yaml").toString());
        assertThat(noFile.err()).contains("SLO spec not found");

        Path noBudget = Files.writeString(dir.resolve("zero.yaml"), "deployment: prod\ne2e_p95_seconds: 1.0\nquality_budget: 0\n");
        assertThat(agent(model, "--config", noBudget.toString()).err()).contains("quality_budget is 0");

        CliFixture.Run noKafka = CliFixture.run("agent", "--store", "s", "--deployment", "prod");
        assertThat(noKafka.exitCode()).isEqualTo(2);
        assertThat(noKafka.err()).contains("Missing required option: '--kafka=<bootstrap>'");
    }
}
