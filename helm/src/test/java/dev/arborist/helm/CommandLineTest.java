package dev.arborist.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.cli.Main;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The container arguments the chart renders are ones the real `arborist` command line accepts. */
class CommandLineTest {
    private static Chart.Rendered chart;

    @BeforeAll
    static void render() {
        chart = Chart.render(Chart.values("model.source", "pvc", "model.pvc.existingClaim", "models"));
    }

    @Test
    @DisplayName("serving's arguments parse as `arborist serve` with the values the chart meant")
    void serve() {
        ParseResult serve = parse(chart.expandedArgs(Chart.FULLNAME + "-serving"));
        assertThat(serve.commandSpec().name()).isEqualTo("serve");
        assertThat(serve.unmatched()).isEmpty();
        assertThat(serve.matchedOptionValue("--host", "")).isEqualTo("0.0.0.0");
        assertThat(serve.matchedOptionValue("--port", 0)).isEqualTo(8000);
        assertThat(serve.matchedOptionValue("--kafka", "")).isEqualTo("kafka:9092");
        assertThat(serve.matchedOptionValue("--deployment", "")).isEqualTo(Chart.FULLNAME);
        assertThat(serve.matchedOptionValue("--admin-token-file", (Object) null)).hasToString("/secrets/admin-token");
        assertThat(serve.matchedOptionValue("--model", (Object) null)).hasToString("/models/arborist-moe-6x8");
    }

    @Test
    @DisplayName("serving.surgeAfter becomes serve's --surge-after; without it serving never surges")
    void surge() {
        assertThat(parse(chart.expandedArgs(Chart.FULLNAME + "-serving")).hasMatchedOption("--surge-after")).isFalse();
        Chart.Rendered surging = Chart.render(Chart.values("model.source", "pvc", "model.pvc.existingClaim", "models", "serving.surgeAfter", "380ms"));
        ParseResult serve = parse(surging.expandedArgs(Chart.FULLNAME + "-serving"));
        assertThat(serve.unmatched()).isEmpty();
        assertThat(serve.matchedOptionValue("--surge-after", (Object) null)).isEqualTo(Duration.ofMillis(380));
    }

    @Test
    @DisplayName("the agent's arguments parse as `arborist agent` (once the command line has that subcommand)")
    void agent() {
        Assumptions.assumeTrue(Main.commandLine().getSubcommands().containsKey("agent"), "the command line has no `agent` subcommand yet");
        ParseResult agent = parse(chart.expandedArgs(Chart.FULLNAME + "-agent"));
        assertThat(agent.commandSpec().name()).isEqualTo("agent");
        assertThat(agent.unmatched()).isEmpty();
        assertThat(agent.matchedOptionValue("--deployment", "")).isEqualTo(Chart.FULLNAME);
    }

    /** Parses like `arborist ARGS` and returns the subcommand's result; a rejected argument fails the test. */
    private static ParseResult parse(List<String> args) {
        CommandLine cli = Main.commandLine();
        ParseResult top = cli.parseArgs(args.toArray(String[]::new));
        assertThat(top.hasSubcommand()).as("no subcommand in " + args).isTrue();
        return top.subcommand();
    }
}
