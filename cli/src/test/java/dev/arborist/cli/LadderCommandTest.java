package dev.arborist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LadderCommandTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path work;

    private static Path model;
    private static Path text;

    @BeforeAll
    static void fixtures() throws Exception {
        CliFixture fixture = new CliFixture(fixtures);
        text = fixture.text;
        model = fixture.model(fixtures.resolve("model"), 1);
    }

    /** Small windows (and, where given, one short timing pair): the tiny model needs seconds, not minutes. */
    private static String[] ladder(Path calib, Path eval, String... extra) {
        List<String> args = new ArrayList<>(List.of("ladder", "--model", model.toString(), "--calib", calib.toString(), "--eval",
                eval.toString(), "--calib-windows", "4", "--calib-length", "32", "--window", "32", "--search-windows", "2",
                "--eval-windows", "6"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @DisplayName("ladder --json prints one object whose rungs go from dense to cheaper within their budgets, and writes the plan")
    void buildsTheLadder() throws Exception {
        Path out = work.resolve("elastic");
        CliFixture.Run r = CliFixture.run(ladder(text, text, "--budgets", "5,50", "--reps", "1", "--steps", "2", "--out", out.toString(), "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        JsonNode j = Json.MAPPER.readTree(r.out());
        JsonNode rungs = j.get("rungs");
        assertThat(rungs.size()).isGreaterThanOrEqualTo(2); // dense and at least the +50% rung
        assertThat(rungs.get(0).get("perplexity_ratio").asDouble()).isEqualTo(1.0);
        assertThat(rungs.get(0).get("decode_speedup_batch8").asDouble()).isEqualTo(1.0);
        assertThat(rungs.get(0).get("level").get("ffn_fraction").asDouble()).isEqualTo(1.0);
        for (int i = 1; i < rungs.size(); i++) {
            JsonNode rung = rungs.get(i);
            assertThat(rung.get("perplexity_ratio").asDouble()).isLessThanOrEqualTo(1 + rung.get("budget").asDouble());
            assertThat(rung.get("relative_cost").asDouble()).isLessThan(rungs.get(i - 1).get("relative_cost").asDouble());
            assertThat(rung.get("decode_speedup_batch8").asDouble()).isPositive();
            assertThat(rung.get("level").has("skipped_layers")).isTrue();
        }
        assertThat(out.resolve("ladder.json")).isRegularFile();
        JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("files").has("ladder.json")).isTrue();
        assertThat(manifest.get("plan_id").asText()).isEqualTo(j.get("plan_id").asText());
        assertThat(Json.MAPPER.readTree(out.resolve("ladder.json").toFile()).get("rungs")).isEqualTo(rungs);
    }

    @Test
    @DisplayName("bad input fails with one line naming the problem, exit code 2, and nothing written")
    void badInput() throws Exception {
        Path out = work.resolve("out");
        expectError(ladder(text, work.resolve("missing.txt"), "--out", out.toString()), "evaluation file not found");
        expectError(ladder(work.resolve("missing.txt"), text), "calibration file not found");
        expectError(ladder(text, text, "--budgets", "5,0"), "--budgets are perplexity increases in percent");
        expectError(ladder(text, text, "--reps", "0"), "--reps and --steps must be at least 1");
        Files.createDirectories(out.resolve("taken"));
        expectError(ladder(text, text, "--out", out.toString()), "already exists");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).containsExactly(out);
        }
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).containsExactly(out.resolve("taken"));
        }
    }

    private static void expectError(String[] args, String message) {
        CliFixture.Run r = CliFixture.run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").startsWith("arborist ladder: ");
        assertThat(r.out()).isEmpty();
    }
}
