package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    @Test
    @DisplayName("serve refuses an out-of-range port and both broker options at once, before starting anything")
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
    }
}
