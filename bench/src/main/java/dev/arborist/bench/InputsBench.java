package dev.arborist.bench;

import ai.djl.ndarray.NDManager;
import dev.arborist.agent.window.InputEvidence;
import dev.arborist.cli.demo.PromptPool;
import dev.arborist.model.eval.ContinuationScore;
import dev.arborist.model.gen.Completion;
import dev.arborist.model.gen.GenerationParams;
import dev.arborist.model.gen.Generator;
import dev.arborist.model.gen.GreedySampler;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.control.PolicyTableLearner;
import dev.arborist.policies.control.RequestOutcome;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Input dependence, offline: for each prompt domain of held-out text (chat, formal, copy-heavy), what
 * each rung of an elastic plan costs the dense model's own greedy continuations, as serving's shadow
 * profile measures it (mean divergence from dense per token, shown as a perplexity increase), per
 * prompt domain and length bucket. The agent learns its per-input policy table from the same numbers.
 *
 * <p>Usage: {@code bench/run inputs [--model DIR] [--plan DIR] [--prompts 48] [--tokens 16] [--seed 5] [--chart FILE.png]
 * [--tolerances 1,2,4] [--latency-prompts 16]}:
 * the table goes to standard output, the chart (each domain's cost against the rung's held-out perplexity ratio) to
 * {@code --chart} (default {@code bench/results/inputs.png}). Then, for each input tolerance (percent; default the SLO spec's),
 * the table the agent's learner makes of the same profiles and what it does to each class's latency ({@link ClassLatency}).
 */
public final class InputsBench {

    public static void main(String[] args) throws Exception {
        Path model = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        Path plan = Path.of(Stats.arg(args, "--plan", "bench/results/ladder/plan"));
        int prompts = Integer.parseInt(Stats.arg(args, "--prompts", "48"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "16"));
        Random random = new Random(Long.parseLong(Stats.arg(args, "--seed", "5")));
        Path chart = Path.of(Stats.arg(args, "--chart", "bench/results/inputs.png"));
        int latencyPrompts = Integer.parseInt(Stats.arg(args, "--latency-prompts", "16"));
        List<Double> tolerances = Arrays.stream(Stats.arg(args, "--tolerances", Double.toString(100 * SloSpec.DEFAULT_INPUT_TOLERANCE)).split(","))
                .map(t -> Double.parseDouble(t.trim()) / 100).toList();
        PromptPool pool = PromptPool.from(model.resolve("eval.txt"));
        try (LanguageModel base = LanguageModel.load(model); HfTokenizer tokenizer = HfTokenizer.load(model.resolve("tokenizer.json"));
                NDManager m = base.manager().newSubManager()) {
            ElasticArtifact artifact = ElasticArtifact.read(plan, base);
            List<Rung> ladder = artifact.plan().ladder().rungs();
            try (ElasticModel elastic = artifact.plan().apply(base, m)) {
                List<Transformer> rungs = ladder.stream().map(r -> r.index() == 0 ? elastic.full() : elastic.at(r.level())).toList();
                Map<String, double[]> dropSums = new TreeMap<>();
                Map<String, double[]> dropSquares = new TreeMap<>();
                Map<String, Integer> counts = new TreeMap<>();
                List<Profiled> profiled = new ArrayList<>();
                for (PromptPool.Domain domain : PromptPool.Domain.values()) {
                    for (int i = 0; i < prompts; i++) {
                        int[] prompt = tokenizer.encode(pool.draw(domain, random));
                        int[] completion = greedy(elastic.full(), prompt, tokens, m);
                        double[] cost = ContinuationScore.profile(rungs, prompt, completion, m).divergences();
                        profiled.add(new Profiled(domain, prompt, cost));
                        for (String key : List.of(domain.sloClass() + " (all)", domain.sloClass() + "/" + PolicyTable.lengthBucket(prompt.length))) {
                            double[] sums = dropSums.computeIfAbsent(key, k -> new double[cost.length]);
                            double[] squares = dropSquares.computeIfAbsent(key, k -> new double[cost.length]);
                            for (int r = 0; r < cost.length; r++) {
                                sums[r] += cost[r];
                                squares[r] += cost[r] * cost[r];
                            }
                            counts.merge(key, 1, Integer::sum);
                        }
                    }
                }
                print(ladder, dropSums, dropSquares, counts, tokens);
                chart(ladder, dropSums, counts, tokens, chart);
                for (double tolerance : tolerances) {
                    PolicyTable table = learnedTable(profiled, ladder, tolerance);
                    ClassLatency.print(table, profiled, rungs, tokens, latencyPrompts, m);
                }
            }
        }
    }

    private static void print(List<Rung> ladder, Map<String, double[]> dropSums, Map<String, double[]> dropSquares, Map<String, Integer> counts,
                              int tokens) {
        System.out.printf("perplexity increase each rung costs the dense model's own %d-token greedy continuations (shadow profile:"
                + " exp of the mean divergence from dense per token, minus 1), mean and standard deviation over prompts%n%n", tokens);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %-22s | %7s |", "class", "prompts"));
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Rung r : ladder.subList(1, ladder.size())) {
            header.append(String.format(Locale.ROOT, " rung %d (held-out x%.3f) |", r.index(), r.perplexityRatio()));
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        dropSums.forEach((key, sums) -> {
            int n = counts.get(key);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-22s | %7d |", key, n));
            double[] squares = dropSquares.get(key);
            for (int r = 1; r < sums.length; r++) {
                double mean = sums[r] / n;
                double sd = n < 2 ? 0 : Math.sqrt(Math.max(0, (squares[r] - n * mean * mean) / (n - 1)));
                row.append(String.format(Locale.ROOT, " %+.1f%% (sd %.1f%%) |", Math.expm1(mean) * 100, sd * 100));
            }
            System.out.println(row);
        });
    }

    /** One line per prompt domain (its "(all)" row): perplexity increase against the rung's held-out ratio, dense at (1, 0). */
    private static void chart(List<Rung> ladder, Map<String, double[]> dropSums, Map<String, Integer> counts, int tokens, Path png)
            throws java.io.IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("what each rung costs each kind of input (" + tokens + "-token continuations, shadow profile)")
                .xAxisTitle("rung's held-out perplexity / dense").yAxisTitle("perplexity increase on the input, %").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        double[] x = ladder.stream().mapToDouble(Rung::perplexityRatio).toArray();
        x[0] = 1;
        dropSums.forEach((key, sums) -> {
            if (key.endsWith("(all)")) {
                int n = counts.get(key);
                double[] y = new double[sums.length];
                for (int r = 1; r < y.length; r++) {
                    y[r] = 100 * Math.expm1(sums[r] / n);
                }
                chart.addSeries(key.replace(" (all)", ""), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        });
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("inputs bench: wrote " + png);
    }

    /** One prompt's shadow profile: its domain, tokens and each rung's divergence from dense (index = rung). */
    record Profiled(PromptPool.Domain domain, int[] prompt, double[] divergences) {
        String lengthBucket() {
            return PolicyTable.lengthBucket(prompt.length);
        }
    }

    /**
     * The table the agent's own learner makes of these profiles at an input tolerance: the
     * same code the live agent runs on shadow profiles from serving.
     */
    private static PolicyTable learnedTable(List<Profiled> profiled, List<Rung> ladder, double tolerance) {
        PolicyTableLearner learner = new PolicyTableLearner(InputEvidence.MIN_SAMPLES);
        for (Profiled p : profiled) {
            learner.observe(new RequestOutcome(p.domain().sloClass(), p.lengthBucket(), null, 0, RequestOutcome.costsFrom(p.divergences()), 0));
        }
        List<dev.arborist.policies.control.Rung> rungs = ladder.stream()
                .map(r -> new dev.arborist.policies.control.Rung(r.index(), r.perplexityRatio(), r.decodeSpeedupBatch8())).toList();
        PolicyTable table = learner.learn(0, rungs, Math.log1p(tolerance));
        System.out.printf(Locale.ROOT, "%nthe agent's learner on these profiles (input tolerance %.1f%%, at least %d profiles per class): %s%n",
                100 * tolerance, InputEvidence.MIN_SAMPLES, table.toJson());
        return table;
    }

    static int[] greedy(Transformer model, int[] prompt, int tokens, NDManager m) {
        Completion c = new Generator(model, m).generate(List.of(prompt), new GenerationParams(tokens, Set.of()),
                List.of(new GreedySampler()), (s, t) -> { }).get(0);
        return c.tokens();
    }
}
