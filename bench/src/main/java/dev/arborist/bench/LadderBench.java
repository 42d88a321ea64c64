package dev.arborist.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.LadderBuilder;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.LevelJson;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.elastic.SpeedComparison;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The elastic ladder of a model, rung by rung: decode tokens/s at batch 1 and 8 against dense,
 * measured side by side (alternating dense and rung runs after a warm-up, median of per-pair
 * ratios), and the held-out perplexity ratio over the whole eval text. A dense-vs-dense row gives
 * the measurement's noise floor.
 *
 * <p>Usage: {@code bench/run ladder [--model DIR] [--plan DIR] [--reps 5] [--steps 48] [--search-windows 8]
 * [--eval-windows N] [--out bench/results/ladder]}. Without {@code --plan} the ladder is built
 * first (as {@code arborist ladder}, budgets +5/10/15/20/40%) and also written to OUT/plan. Writes ladder.md, ladder.json
 * and ladder.png (speed-up against perplexity ratio) to OUT.
 */
public final class LadderBench {
    /** The JNI-heavy Java side of a decode step reaches full speed only after ~500 steps of C2 compilation. */
    private static final int WARM_UP_RUNS = 20;
    private static final int WINDOW = 256;
    /** The CLI's default budgets plus +15%, the budget of the goal (>= 1.5x decode at batch 8). */
    private static final List<Double> BUDGETS = List.of(0.05, 0.10, 0.15, 0.20, 0.40);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One measured rung; index -1 is dense against itself. */
    private record Row(int index, String level, double budget, double perplexity, double ratio, SpeedComparison.Result batch1,
                       SpeedComparison.Result batch8) {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        Path out = Path.of(Stats.arg(args, "--out", "bench/results/ladder"));
        int evalWindows = Integer.parseInt(Stats.arg(args, "--eval-windows", Integer.toString(Integer.MAX_VALUE)));
        SpeedComparison speed = new SpeedComparison(Integer.parseInt(Stats.arg(args, "--reps", "5")),
                Integer.parseInt(Stats.arg(args, "--steps", "48")), 16);
        try (LanguageModel lm = LanguageModel.load(dir); HfTokenizer tokenizer = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            int[] eval = TokenizedText.read(dir.resolve("eval.txt"), tokenizer);
            long began = System.nanoTime();
            ElasticPlan plan = plan(args, lm, tokenizer, dir, eval, out, evalWindows);
            double planSeconds = (System.nanoTime() - began) / 1e9;
            try (NDManager m = lm.manager().newSubManager(); ElasticModel elastic = plan.apply(lm, m)) {
                List<Row> rows = measure(plan, elastic, eval, evalWindows, speed, m);
                String title = String.format("%s elastic ladder: decode speed-up vs perplexity (%d pairs x %d steps, median)",
                        dir.getFileName(), speed.reps(), speed.steps());
                write(out, title, rows, plan, planSeconds);
                System.out.print(markdown(title, rows));
            }
        }
    }

    private static ElasticPlan plan(String[] args, LanguageModel lm, HfTokenizer tokenizer, Path dir, int[] eval, Path out, int evalWindows)
            throws IOException {
        String existing = Stats.arg(args, "--plan", null);
        if (existing != null) {
            return ElasticArtifact.read(Path.of(existing), lm).plan();
        }
        CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(dir.resolve("calib.txt"), tokenizer), 32, 128);
        LadderSettings settings = new LadderSettings(BUDGETS, WINDOW,
                Integer.parseInt(Stats.arg(args, "--search-windows", "8")), evalWindows, new SpeedComparison(1, 8, 16));
        ElasticPlan plan = new LadderBuilder(settings, (done, total) -> System.err.printf("\rladder: %d/%d steps", done, total))
                .build(lm, calibration, eval);
        System.err.println();
        Path planDir = out.resolve("plan");
        if (!Files.exists(planDir)) {
            ElasticArtifact.write(planDir, plan, lm, Map.of("dense_perplexity", plan.ladder().rung(0).perplexity()));
        }
        return plan;
    }

    private static List<Row> measure(ElasticPlan plan, ElasticModel elastic, int[] eval, int evalWindows, SpeedComparison speed,
                                     NDManager m) {
        Transformer dense = elastic.full();
        speed.warmUp(dense, dense, m, WARM_UP_RUNS / 2);
        double densePpl = Perplexity.evaluate(dense, eval, WINDOW, 8, evalWindows).perplexity();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(-1, "dense vs dense (noise floor)", 0, densePpl, 1, speed.measure(dense, dense, m, 1),
                speed.measure(dense, dense, m, 8)));
        for (Rung r : plan.ladder().rungs()) {
            if (r.index() == 0) {
                continue;
            }
            Transformer level = elastic.at(r.level());
            speed.warmUp(dense, level, m, 2);
            double ppl = Perplexity.evaluate(level, eval, WINDOW, 8, evalWindows).perplexity();
            rows.add(new Row(r.index(), r.level().describe(), r.budget(), ppl, ppl / densePpl, speed.measure(dense, level, m, 1),
                    speed.measure(dense, level, m, 8)));
            System.err.printf("rung %d: ratio %.3f, b8 %.2fx%n", r.index(), ppl / densePpl, rows.get(rows.size() - 1).batch8().speedup());
        }
        return rows;
    }

    private static void write(Path out, String title, List<Row> rows, ElasticPlan plan, double planSeconds) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("ladder.md"), markdown(title, rows), StandardCharsets.UTF_8);
        ObjectNode root = JSON.createObjectNode();
        root.put("plan_seconds", planSeconds);
        plan.layerSkipOrder().forEach(root.putArray("layer_skip_order")::add);
        ArrayNode list = root.putArray("rungs");
        for (Row r : rows) {
            ObjectNode o = list.addObject();
            o.put("index", r.index());
            if (r.index() > 0) {
                o.set("level", LevelJson.encode(plan.ladder().rung(r.index()).level()));
                o.put("budget", r.budget());
            }
            o.put("perplexity", r.perplexity());
            o.put("perplexity_ratio", r.ratio());
            o.put("decode_tokens_per_second_batch1", r.batch1().levelTokensPerSecond());
            o.put("decode_speedup_batch1", r.batch1().speedup());
            o.put("decode_tokens_per_second_batch8", r.batch8().levelTokensPerSecond());
            o.put("decode_speedup_batch8", r.batch8().speedup());
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("ladder.json").toFile(), root);
        BitmapEncoder.saveBitmap(chart(title, rows), out.resolve("ladder.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String markdown(String title, List<Row> rows) {
        StringBuilder md = new StringBuilder("### " + title + "\n\n");
        md.append("| rung | budget | level | perplexity | ratio | decode b=1 tok/s, dense -> rung | speed-up | decode b=8 tok/s | speed-up |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format("| %s | %s | %s | %.2f | %.3f | %.0f -> %.0f | %.2fx | %.0f -> %.0f | %.2fx |%n",
                    r.index() < 0 ? "-" : Integer.toString(r.index()), r.index() < 0 ? "-" : String.format("+%.0f%%", 100 * r.budget()),
                    r.level(), r.perplexity(), r.ratio(), r.batch1().denseTokensPerSecond(), r.batch1().levelTokensPerSecond(),
                    r.batch1().speedup(), r.batch8().denseTokensPerSecond(), r.batch8().levelTokensPerSecond(), r.batch8().speedup()));
        }
        return md.toString();
    }

    /** Speed-up against perplexity ratio, one point per rung, the dense point at (1, 1). */
    private static XYChart chart(String title, List<Row> rows) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("held-out perplexity / dense").yAxisTitle("decode speed-up vs dense (same run)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        int n = rows.size();
        double[] x = new double[n];
        double[] b8 = new double[n];
        double[] b1 = new double[n];
        x[0] = 1; // the noise-floor row stands for rung 0; dense is 1x by definition
        b8[0] = 1;
        b1[0] = 1;
        for (int i = 1; i < n; i++) {
            x[i] = rows.get(i).ratio();
            b8[i] = rows.get(i).batch8().speedup();
            b1[i] = rows.get(i).batch1().speedup();
        }
        chart.addSeries("batch 8", x, b8).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("batch 1", x, b1).setMarker(SeriesMarkers.DIAMOND);
        return chart;
    }
}
