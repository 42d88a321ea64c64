package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    @TempDir
    static Path dir;

    private static CliFixture fixture;
    private static Path model;

    @BeforeAll
    static void fixtures() throws Exception {
        fixture = new CliFixture(dir);
        model = fixture.model(dir.resolve("model"), 6);
    }

    @Test
    @DisplayName("sweep writes a table, JSON and a PNG chart with one row per method x sparsity (x pattern)")
    void sweep() throws Exception {
        Path out = dir.resolve("sweep");
        CliFixture.Run r = CliFixture.run("sweep", "--model", model.toString(), "--calib", fixture.text.toString(),
                "--eval", fixture.text.toString(), "--methods", "magnitude,wanda", "--sparsities", "0.25,0.5",
                "--patterns", "2:4", "--calib-windows", "4", "--calib-length", "32", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(out.resolve("sweep.json").toFile());
        assertThat(json.get("rows")).hasSize(6);
        for (JsonNode row : json.get("rows")) {
            assertThat(row.get("sparsity").asDouble()).isCloseTo(row.get("target_sparsity").asDouble(), org.assertj.core.data.Offset.offset(0.02));
            assertThat(row.get("model_sparsity").asDouble()).isPositive().isLessThan(row.get("sparsity").asDouble());
            assertThat(row.get("perplexity_ratio").asDouble()).isPositive();
        }
        assertThat(Files.readString(out.resolve("sweep.md"))).contains("| wanda | 2:4 |");
        byte[] png = Files.readAllBytes(out.resolve("sweep.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    @DisplayName("an unknown method or sparsity outside (0, 1) fails before any work")
    void badInput() {
        CliFixture.Run r = CliFixture.run("sweep", "--model", model.toString(), "--methods", "lottery", "--out", dir.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown pruning method 'lottery'");
        CliFixture.Run s = CliFixture.run("sweep", "--model", model.toString(), "--sparsities", "0,0.5", "--out", dir.resolve("y").toString());
        assertThat(s.err()).contains("sparsities must be in (0, 1)");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
