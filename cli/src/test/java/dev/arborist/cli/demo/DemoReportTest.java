package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo report's baseline fields and the timeline arithmetic behind them, without serving or Kafka. */
class DemoReportTest {
    private static final double SLO = 1.0;
    private static final List<Double> LADDER = List.of(1.0, 1.05, 1.10, 1.20);

    @Test
    @DisplayName("mean perplexity ratio: each window's served rung looked up in the ladder; unknown and off-ladder rungs left out")
    void meanPerplexityRatio() {
        Timeline timeline = timeline(0, 3, 3, -1, 7, 1);
        assertThat(timeline.meanPerplexityRatio(LADDER)).isCloseTo((1.0 + 1.20 + 1.20 + 1.05) / 4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(timeline(-1).meanPerplexityRatio(LADDER)).isNaN();
    }

    @Test
    @DisplayName("perplexity ratio of the tokens: each rung's tokens weigh its ratio; rungs off the ladder are left out")
    void perplexityRatioOfTokens() {
        Sampler.Totals totals = new Sampler.Totals(1, 0, 1.1, Map.of(0, 300.0, 2, 100.0, 9, 50.0));
        assertThat(totals.perplexityRatioOfTokens(LADDER)).isCloseTo((300 * 1.0 + 100 * 1.10) / 400, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new Sampler.Totals(1, 0, 1.1, Map.of()).perplexityRatioOfTokens(LADDER)).isNaN();
        assertThat(new Sampler.Totals(1, 0, 1.1, Map.of(9, 5.0)).perplexityRatioOfTokens(LADDER)).isNaN();
    }

    @Test
    @DisplayName("baselines: dense pins rung 0, sparsest the ladder's last rung, the agent pins nothing; bad names say what to use")
    void baselines() {
        assertThat(Baseline.DENSE.pin(4)).isEqualTo(OptionalInt.of(0));
        assertThat(Baseline.SPARSEST.pin(4)).isEqualTo(OptionalInt.of(3));
        assertThat(Baseline.AGENT.pin(4)).isEmpty();
        assertThat(Baseline.of("sparsest")).isEqualTo(Baseline.SPARSEST);
        assertThatThrownBy(() -> Baseline.of("sparse")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown baseline 'sparse': use agent, dense or sparsest");
    }

    @Test
    @DisplayName("GET /admin/levels: the rungs' perplexity ratios in order, the pin, null when unpinned")
    void levels() throws Exception {
        String pinned = """
                {"plan_id":"p1","elastic":true,"rungs":[{"rung":0,"perplexity_ratio":1.0},{"rung":1,"perplexity_ratio":1.07},
                 {"rung":2,"perplexity_ratio":1.14}],"base_rung":1,"override":2,"policy":{}}""";
        BaselinePin.Levels levels = BaselinePin.Levels.parse(pinned);
        assertThat(levels.planId()).isEqualTo("p1");
        assertThat(levels.perplexityRatios()).containsExactly(1.0, 1.07, 1.14);
        assertThat(levels.pinned()).isEqualTo(2);
        assertThat(BaselinePin.Levels.parse("{\"plan_id\":\"p2\",\"elastic\":true,\"rungs\":[],\"override\":null}").pinned()).isNull();
        assertThat(BaselinePin.Levels.parse("{\"plan_id\":\"dense\",\"elastic\":false}").perplexityRatios()).isEmpty();
    }

    @Test
    @DisplayName("report: baseline, base rate, rung changes, mean perplexity ratio and each window's build state, tokens by rung and"
            + " queue beside the fields earlier reports had; JSON and PNG written")
    void report(@TempDir Path dir) throws Exception {
        Timeline timeline = timeline(3, 3, 3);
        DemoReport report = new DemoReport("load-step", Baseline.SPARSEST, 30, 2.5, 90, 1, 2, 4, SLO, timeline.attainment(),
                timeline.attainmentAfterConvergence(List.of(0.0)), timeline.convergenceSeconds(0), 1.1, timeline.meanPerplexityRatio(LADDER), 1.15, 0,
                timeline.points(), null, Map.of(15, 1.0, 30, 0.5),
                List.of(new AuditEntry(12.5, "sparser", 0, 2, "e2e p95 1.42 s > target 1.00 s for 1 window(s)")),
                new DomainRecovery("old", "new", List.of(new DomainRecovery.RungScore(1, "ffn 0.875, experts 8, kv 2, skip [], beta 0.60", 1.12, 1.05, 3, 40))));
        ObjectNode json = report.toJson();
        assertThat(json.get("decisions").get(0).get("to_rung").asInt()).isEqualTo(2);
        assertThat(json.get("decisions").get(0).get("reason").asText()).startsWith("e2e p95 1.42 s");
        assertThat(json.get("slo_attainment_after_convergence_by_window_seconds").get("30").asDouble()).isEqualTo(0.5);
        assertThat(json.get("baseline").asText()).isEqualTo("sparsest");
        JsonNode recovery = json.get("domain_recovery").get("rungs").get(0);
        assertThat(recovery.get("perplexity_ratio_after").asDouble()).isEqualTo(1.05);
        assertThat(recovery.get("experts_restored").asInt()).isEqualTo(3);
        assertThat(json.get("base_rate").asDouble()).isEqualTo(2.5);
        assertThat(json.get("rung_changes").asLong()).isEqualTo(4);
        assertThat(json.get("mean_perplexity_ratio").asDouble()).isEqualTo(1.20);
        assertThat(json.get("token_perplexity_ratio").asDouble()).isEqualTo(1.15);
        assertThat(json.get("slo_attainment").asDouble()).isEqualTo(1.0);
        assertThat(json.get("convergence_seconds").asDouble()).isEqualTo(5.0);
        assertThat(json.fieldNames()).toIterable().contains("scenario", "requests", "failed_requests", "swaps", "slo_attainment",
                "slo_attainment_after_convergence", "convergence_seconds", "final_perplexity_ratio", "drift_events");
        Path png = report.write(dir.resolve("report.json"));
        assertThat(png).isEqualTo(dir.resolve("report.png"));
        assertThat(Files.size(png)).isPositive();
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"baseline\" : \"sparsest\"");
        assertThat(json.get("timeline").get(0).get("build_running").asDouble()).isEqualTo(1.0);
        assertThat(json.get("timeline").get(1).get("build_running").asDouble()).isEqualTo(0.0);
        assertThat(json.get("timeline").get(0).get("build_held").asDouble()).isEqualTo(0.0);
        assertThat(json.get("timeline").get(1).get("tokens_by_rung").get("3").asDouble()).isEqualTo(160.0);
        assertThat(json.get("timeline").get(1).get("tokens_by_rung").get("0").asDouble()).isEqualTo(10.0);
        assertThat(json.get("timeline").get(2).get("requests_waiting").asDouble()).isEqualTo(2.0);
    }

    /** One 5 s window per rung, each with p95 at half the SLO and 170 tokens, 10 of them at rung 0 in sparse windows. */
    private static Timeline timeline(int... rungs) {
        Timeline timeline = new Timeline();
        for (int i = 0; i < rungs.length; i++) {
            timeline.add(new Timeline.Point(5.0 * (i + 1), 2, 10, 0, SLO / 2, SLO, rungs[i], Double.NaN, 1, Double.NaN, Double.NaN, Double.NaN,
                    i == 0 ? 1 : 0, 0, rungs[i] == 0 ? Map.of(0, 170.0) : Map.of(rungs[i], 160.0, 0, 10.0), i));
        }
        return timeline;
    }
}
