package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.serving.kafka.TelemetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {

    @Test
    @DisplayName("serve refuses an out-of-range port, both broker options at once and a zero surge threshold, before starting anything")
    void badOptions() {
        CliFixture.Run port = CliFixture.run("serve", "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).startsWith("arborist serve: ").contains("--port must be in 0..65535");
        CliFixture.Run both = CliFixture.run("serve", "--kafka", "127.0.0.1:9092", "--embedded-kafka");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        CliFixture.Run token = CliFixture.run("serve", "--admin-token-file", "/nonexistent/token");
        assertThat(token.exitCode()).isEqualTo(2);
        assertThat(token.err()).contains("admin token file not found");
        CliFixture.Run kafka = CliFixture.run("kafka", "--port", "-1");
        assertThat(kafka.err()).contains("--port must be in 0..65535");
        CliFixture.Run surge = CliFixture.run("serve", "--surge-after", "0s");
        assertThat(surge.exitCode()).isEqualTo(2);
        assertThat(surge.err()).startsWith("arborist serve: ").contains("--surge-after must be a positive duration");
    }

    @Test
    @DisplayName("bad telemetry options exit 2 with a line saying how to fix them, before a broker or the model starts")
    void badTelemetryOptions() {
        String broker = "--kafka=127.0.0.1:1"; // never reached: every case fails before connecting
        assertRefused(new String[] {"serve", broker, "--stats-sample-every", "0"}, "--stats-sample-every must be at least 1");
        assertRefused(new String[] {"serve", broker, "--stats-interval", "0s"}, "--stats-interval must be positive");
        assertRefused(new String[] {"serve", broker, "--stats-interval", "-PT5S"}, "--stats-interval must be positive");
        assertRefused(new String[] {"serve", broker, "--stats-interval", "10x"}, "'10x' is not a duration: use e.g. 500ms, 10s");
        assertRefused(new String[] {"serve", broker, "--stats-sample-every", "often"}, "--stats-sample-every");
        assertRefused(new String[] {"serve", broker, "--shadow-every", "0"}, "--shadow-every must be at least 1");
        assertRefused(new String[] {"serve", "--shadow-every", "2"}, "--shadow-every sets up telemetry");
        assertRefused(new String[] {"serve", broker, "--replica", "pod 1"}, "--replica 'pod 1': use 1 to 63 letters");
        assertRefused(new String[] {"serve", broker, "--deployment", "-prod"}, "--deployment '-prod'");
        assertRefused(new String[] {"serve", "--max-batch", "0"}, "--max-batch and --queue must be at least 1");
        assertRefused(new String[] {"serve", "--stats-interval", "10s"}, "--stats-interval sets up telemetry, which goes to Kafka: add --kafka");
        assertRefused(new String[] {"serve", "--replica", "pod-1"}, "--replica sets up telemetry");
    }

    @Test
    @DisplayName("telemetry options reach the telemetry config; durations read as 10s, 500ms, 2m or PT10S; the replica defaults to the host name")
    void telemetryOptions() {
        TelemetryConfig given = parse("--embedded-kafka", "--deployment", "prod-eu", "--replica", "pod-7", "--stats-sample-every", "4",
                "--stats-interval", "10s", "--shadow-every", "2").telemetryOptions().config("127.0.0.1:9092");
        assertThat(given).isEqualTo(new TelemetryConfig("127.0.0.1:9092", "prod-eu", "pod-7", TelemetryConfig.DEFAULT_BUFFER, 4, Duration.ofSeconds(10))
                .withShadowEvery(2));
        assertThat(parse("--embedded-kafka", "--stats-interval", "PT10S").telemetryOptions().statsInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--embedded-kafka", "--stats-interval", "500ms").telemetryOptions().statsInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("--embedded-kafka", "--stats-interval", "2m").telemetryOptions().statsInterval()).isEqualTo(Duration.ofMinutes(2));

        ServeCommand.TelemetryOptions defaults = parse("--kafka", "127.0.0.1:9092").telemetryOptions();
        assertThat(defaults.deployment()).isEqualTo("default");
        assertThat(defaults.sampleEvery()).isEqualTo(TelemetryConfig.DEFAULT_SAMPLE_EVERY);
        assertThat(defaults.statsInterval()).isEqualTo(TelemetryConfig.DEFAULT_STATS_INTERVAL);
        assertThat(defaults.shadowEvery()).isEqualTo(TelemetryConfig.DEFAULT_SHADOW_EVERY);
        assertThat(defaults.replica()).isNotBlank().doesNotContain(" ");
        assertThat(parse().telemetryOptions()).as("no broker: no telemetry").isNull();
    }

    private static void assertRefused(String[] args, String message) {
        CliFixture.Run run = CliFixture.run(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err()).as(String.join(" ", args)).contains(message);
    }

    /** The serve command as picocli fills it from {@code args}, without running it. */
    private static ServeCommand parse(String... args) {
        CommandLine cli = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        cli.parseArgs(all);
        return cli.getSubcommands().get("serve").getCommand();
    }
}
