package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo's arguments are checked before anything starts; the demo itself runs in ScenarioTest. */
class DemoCommandTest {
    @Test
    @DisplayName("an unknown --baseline exits 2 with one line naming the values to use")
    void badBaseline() {
        CliFixture.Run run = CliFixture.run("demo", "--model", "../models/arborist-moe-6x8", "--baseline", "sparse");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("arborist demo: unknown baseline 'sparse': use agent, dense or sparsest" + System.lineSeparator());
    }

    @Test
    @DisplayName("a --surge outside [0, 1) of the SLO exits 2 with one line saying what to use")
    void badSurge() {
        CliFixture.Run run = CliFixture.run("demo", "--model", "../models/arborist-moe-6x8", "--surge", "1.5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("arborist demo: --surge must be a share of the SLO in [0, 1)");
    }
}
