package dev.arborist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.LadderBuilder;
import dev.arborist.policies.elastic.LadderJson;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.elastic.SpeedComparison;
import dev.arborist.policies.plan.AtomicDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ladder", mixinStandardHelpOptions = true,
        description = "Build an elastic ladder: order units by importance, find the cheapest level within each perplexity budget, "
                + "and measure each rung's decode speed-up against dense (with --out, write it as an elastic plan artifact).")
final class LadderCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--calib", required = true, description = "UTF-8 calibration text for the activation statistics.")
    Path calib;

    @Option(names = "--eval", required = true, description = "Held-out UTF-8 text the perplexity budgets are measured on.")
    Path eval;

    @Option(names = "--budgets", split = ",", defaultValue = "5,10,20,40",
            description = "Max held-out perplexity increases in percent, one rung each (default: ${DEFAULT-VALUE}).")
    List<Double> budgets;

    @Option(names = "--out", description = "Elastic plan artifact directory to create; must not exist yet.")
    Path out;

    @Option(names = "--calib-windows", defaultValue = "32", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int calibWindows;

    @Option(names = "--calib-length", defaultValue = "128", description = "Tokens per calibration window (default: ${DEFAULT-VALUE}).")
    int calibLength;

    @Option(names = "--window", defaultValue = "256", description = "Tokens per perplexity window, at most the model's context (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--search-windows", defaultValue = "8", description = "Eval windows each candidate level is scored on during the search (default: ${DEFAULT-VALUE}).")
    int searchWindows;

    @Option(names = "--eval-windows", description = "Eval windows the rungs are measured on (default: the whole file).")
    Integer evalWindows;

    @Option(names = "--reps", defaultValue = "3", description = "Alternating dense/rung decode runs per speed-up; the median ratio is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--steps", defaultValue = "32", description = "Decode steps per timed run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--json", description = "Print one JSON object with a rungs array (level, perplexity_ratio, decode_speedup_batch8, ...).")
    boolean json;

    /** The checked request: every problem the arguments alone reveal is reported before the model loads. */
    record Options(Path model, Path calib, Path eval, LadderSettings settings, int calibWindows, int calibLength, Path out) {
        Options {
            requireFile(calib, "calibration");
            requireFile(eval, "evaluation");
            if (calibWindows < 1 || calibLength < 2) {
                throw new IllegalArgumentException("--calib-windows must be at least 1 and --calib-length at least 2, got "
                        + calibWindows + " and " + calibLength);
            }
            if (out != null) {
                AtomicDirectory.requireAbsentOrEmpty(out);
            }
        }

        private static void requireFile(Path file, String what) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(what + " file not found: " + file);
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        Options o = options();
        long began = System.nanoTime();
        try (LanguageModel lm = LanguageModel.load(o.model()); HfTokenizer tokenizer = HfTokenizer.load(o.model().resolve("tokenizer.json"))) {
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(o.calib(), tokenizer), o.calibWindows(), o.calibLength());
            int[] evalTokens = TokenizedText.read(o.eval(), tokenizer);
            ElasticPlan plan;
            try (Progress progress = new Progress()) {
                plan = new LadderBuilder(o.settings(), progress).build(lm, calibration, evalTokens);
            }
            String planId = null;
            if (o.out() != null) {
                planId = ElasticArtifact.write(o.out(), plan, lm, Map.of("dense_perplexity", plan.ladder().rung(0).perplexity())).id();
            }
            report(plan, planId, (System.nanoTime() - began) / 1e9);
        }
        return 0;
    }

    private Options options() {
        for (double b : budgets) {
            if (!(b > 0 && b < 1000)) {
                throw new IllegalArgumentException("--budgets are perplexity increases in percent, e.g. 5,10,20,40; got " + b);
            }
        }
        if (reps < 1 || steps < 1) {
            throw new IllegalArgumentException("--reps and --steps must be at least 1, got " + reps + " and " + steps);
        }
        LadderSettings settings = new LadderSettings(budgets.stream().map(b -> b / 100).toList(), window, searchWindows,
                evalWindows == null ? Integer.MAX_VALUE : evalWindows, new SpeedComparison(reps, steps, 16));
        return new Options(model.model, calib, eval, settings, calibWindows, calibLength, out);
    }

    private void report(ElasticPlan plan, String planId, double seconds) {
        if (json) {
            ObjectNode j = Json.object();
            j.put("model", model.model.toString());
            j.put("dense_perplexity", plan.ladder().rung(0).perplexity());
            plan.layerSkipOrder().forEach(j.putArray("layer_skip_order")::add);
            ArrayNode rungs = j.putArray("rungs");
            plan.ladder().rungs().forEach(r -> rungs.add(LadderJson.rung(r)));
            j.put("seconds", seconds);
            if (planId != null) {
                j.put("plan_id", planId);
                j.put("out", out.toString());
            }
            Json.print(j);
            return;
        }
        System.out.println("| rung | budget | level | perplexity | ratio | est. cost | decode b=8 | decode b=1 |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Rung r : plan.ladder().rungs()) {
            System.out.printf("| %d | %s | %s | %.2f | %.3f | %.2f | %.2fx | %.2fx |%n", r.index(),
                    r.index() == 0 ? "-" : String.format("+%.0f%%", 100 * r.budget()), r.level().describe(), r.perplexity(),
                    r.perplexityRatio(), r.relativeCost(), r.decodeSpeedupBatch8(), r.decodeSpeedupBatch1());
        }
        System.out.printf("%d rungs in %.1f s%s%n", plan.ladder().size(), seconds,
                planId == null ? "" : " -> " + out + " (plan " + planId.substring(0, 12) + ")");
    }

    /** Search and measurement steps as a progress bar on stderr. */
    private static final class Progress implements PruningProgress, AutoCloseable {
        private ProgressBar bar; // created on the first report, when the total is known

        @Override
        public void layersDone(int done, int total) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("ladder").setInitialMax(total).setUnit(" steps", 1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
            }
            bar.maxHint(total);
            bar.stepTo(done);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
