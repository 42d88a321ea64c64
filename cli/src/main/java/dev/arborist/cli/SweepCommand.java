package dev.arborist.cli;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.SparsityReport;
import dev.arborist.policies.plan.WeightEditor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Prune with every method x sparsity (x pattern), measure held-out perplexity (and decode speed), "
                + "write sweep.md, sweep.json and sweep.png.")
final class SweepCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--methods", split = ",", defaultValue = "magnitude,wanda,sparsegpt",
            description = "Methods to compare (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--sparsities", split = ",", defaultValue = "0.3,0.5,0.6",
            description = "Target sparsities for the unstructured pattern (default: ${DEFAULT-VALUE}).")
    List<Double> sparsities;

    @Option(names = "--patterns", split = ",", defaultValue = "",
            description = "Extra N:M patterns (e.g. 2:4,4:8), each run once per method at sparsity N/M.")
    List<String> patterns;

    @Option(names = "--calib", description = "Calibration text (default: calib.txt of the model directory).")
    Path calib;

    @Option(names = "--eval", description = "Held-out text (default: eval.txt of the model directory).")
    Path eval;

    @Option(names = "--calib-windows", defaultValue = "32", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int calibWindows;

    @Option(names = "--calib-length", defaultValue = "128", description = "Tokens per calibration window (default: ${DEFAULT-VALUE}).")
    int calibLength;

    @Option(names = "--decode-speed", description = "Also measure batch-8 decode tokens/s of each materialised model.")
    boolean decodeSpeed;

    @Option(names = "--out", defaultValue = "sweep", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (String m : methods) {
            PruningMethods.create(m); // fail fast on a typo, before any work
        }
        for (double s : sparsities) {
            if (!(s > 0 && s < 1)) {
                throw new IllegalArgumentException("sparsities must be in (0, 1), got " + s);
            }
        }
        Path calibFile = calib != null ? calib : model.model.resolve("calib.txt");
        Path evalFile = eval != null ? eval : model.model.resolve("eval.txt");
        try (LanguageModel lm = LanguageModel.load(model.model);
             HfTokenizer tokenizer = HfTokenizer.load(model.model.resolve("tokenizer.json"))) {
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(calibFile, tokenizer), calibWindows, calibLength);
            int[] heldOut = TokenizedText.read(evalFile, tokenizer);
            double densePpl = Perplexity.evaluate(lm.transformer(), heldOut, 256, 8).perplexity();
            double[] denseSpeed = speed(lm, lm.transformer());
            SweepRow dense = new SweepRow("dense", "-", 0, 0, 0, densePpl, 1.0, lm.parameterCount(), denseSpeed[0], denseSpeed[1], 0);
            List<SweepRow> rows = new ArrayList<>();
            List<Run> runs = runs();
            try (PruneProgress progress = new PruneProgress("sweep")) {
                for (int i = 0; i < runs.size(); i++) {
                    Run run = runs.get(i);
                    System.err.printf("[%d/%d] %s %s at %.2f%n", i + 1, runs.size(), run.method(), run.pattern(), run.sparsity());
                    rows.add(measure(lm, run, calibration, heldOut, densePpl, progress));
                }
            }
            SweepReport report = new SweepReport(dense, rows);
            report.write(out, "Held-out perplexity vs sparsity, " + model.model.getFileName());
            System.out.print(report.markdown("sweep of " + model.model));
            System.out.println("\nwritten: " + out.resolve("sweep.md") + ", " + out.resolve("sweep.json") + ", " + out.resolve("sweep.png"));
        }
        return 0;
    }

    private record Run(String method, String pattern, double sparsity) {}

    private List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String m : methods) {
            for (double s : sparsities) {
                runs.add(new Run(m, "unstructured", s));
            }
            for (String p : patterns) {
                if (!p.isBlank()) {
                    String[] nm = p.split(":");
                    if (nm.length != 2) {
                        throw new IllegalArgumentException("--patterns takes N:M patterns such as 2:4, got '" + p + "'");
                    }
                    runs.add(new Run(m, p, Double.parseDouble(nm[0]) / Double.parseDouble(nm[1])));
                }
            }
        }
        return runs;
    }

    private SweepRow measure(LanguageModel lm, Run run, CalibrationSet calibration, int[] heldOut, double densePpl, PruneProgress progress) {
        long began = System.nanoTime();
        PruningMethod method = PruningMethods.create(run.method());
        Map<String, String> options = run.pattern().equals("unstructured") ? Map.of() : Map.of("pattern", run.pattern());
        PruningPlan plan = method.plan(new PruningTarget(lm, run.sparsity(), options), calibration, progress);
        double seconds = (System.nanoTime() - began) / 1e9;
        SparsityReport sparsity = SparsityReport.measure(plan, lm);
        try (NDManager m = lm.manager().newSubManager()) {
            WeightEditor.Result pruned = plan.applyMaterialized(lm.config(), lm.transformer().weights(), m);
            Transformer t = lm.transformer().withWeights(pruned.weights());
            double ppl = Perplexity.evaluate(t, heldOut, 256, 8).perplexity();
            long nonzero = 0;
            long params = 0;
            for (var a : WeightExport.named(pruned.config(), pruned.weights()).values()) {
                params += a.getShape().size();
                nonzero += a.countNonzero().getLong();
            }
            double[] speed = speed(lm, t);
            return new SweepRow(run.method(), plan.settings().getOrDefault("pattern", "-"), run.sparsity(), sparsity.overall(),
                    1 - (double) nonzero / lm.parameterCount(), ppl, ppl / densePpl, params, speed[0], speed[1], seconds);
        }
    }

    /**
     * Batch-8 decode tokens/s of the pruned model and its speed-up over dense, measured in alternating
     * pairs after a warm-up (the machines are noisy: medians of side-by-side ratios).
     *
     * @return {tokens/s, speed-up}, NaN unless --decode-speed
     */
    private double[] speed(LanguageModel lm, Transformer pruned) {
        if (!decodeSpeed) {
            return new double[] {Double.NaN, Double.NaN};
        }
        DecodeThroughput dense = new DecodeThroughput(lm.transformer(), lm.manager());
        DecodeThroughput candidate = new DecodeThroughput(pruned, lm.manager());
        dense.decodeTokensPerSecond(8, 16, 48, 0);
        candidate.decodeTokensPerSecond(8, 16, 48, 0);
        int pairs = 5;
        double[] tps = new double[pairs];
        double[] ratio = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            double d = dense.decodeTokensPerSecond(8, 16, 48, i + 1);
            tps[i] = candidate.decodeTokensPerSecond(8, 16, 48, i + 1);
            ratio[i] = tps[i] / d;
        }
        java.util.Arrays.sort(tps);
        java.util.Arrays.sort(ratio);
        return new double[] {tps[pairs / 2], ratio[pairs / 2]};
    }
}
