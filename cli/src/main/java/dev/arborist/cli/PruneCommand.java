package dev.arborist.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.io.DType;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.AtomicDirectory;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.SparsityReport;
import dev.arborist.policies.plan.WeightEditor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Build a pruning plan from calibration text and write it as an artifact directory "
                + "(plan.safetensors + manifest.json; with --materialize also model/, a standalone checkpoint).")
final class PruneCommand implements Callable<Integer> {
    /** Perplexity windows, clamped to the model's context (as eval's default). */
    private static final int EVAL_WINDOW = 256;

    @Mixin
    ModelOption model;

    @Option(names = "--method", required = true, completionCandidates = MethodNames.class,
            description = "Pruning method: ${COMPLETION-CANDIDATES}.")
    String method;

    @Option(names = "--sparsity", required = true, description = "Share of the pruned tensors' weights to remove, in (0, 1).")
    double sparsity;

    @Option(names = "--pattern", description = "Shape of the zeros: unstructured (default), N:M such as 2:4 (then --sparsity N/M), or RxC blocks such as 1x16.")
    String pattern;

    @Option(names = "--owl", description = "Outlier-weighed layerwise sparsity: prune layers with more outliers less (same mean).")
    boolean owl;

    @Option(names = "--calib", required = true, description = "UTF-8 calibration text (one sentence per line).")
    Path calib;

    @Option(names = "--calib-windows", defaultValue = "32", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int calibWindows;

    @Option(names = "--calib-length", defaultValue = "128", description = "Tokens per calibration window (default: ${DEFAULT-VALUE}).")
    int calibLength;

    @Option(names = "--out", required = true, description = "Artifact directory to create; must not exist yet.")
    Path out;

    @Option(names = "--eval", description = "Text to measure the pruned model's perplexity on (stored in the manifest).")
    Path eval;

    @Option(names = "--parent", description = "Artifact of the plan this one follows (must be built for the same base model).")
    Path parent;

    @Option(names = "--materialize", description = "Also write the pruned weights as a checkpoint in OUT/model that eval --model reads.")
    boolean materialize;

    @Option(names = "--json", description = "Print one JSON object: method, pattern, sparsity, perplexity, seconds, parameters, plan id.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PruneOptions o = new PruneOptions(model.model, method, sparsity, pattern, owl, calib, calibWindows, calibLength, out, eval,
                parent, materialize);
        PruningMethod pruner = PruningMethods.create(o.method());
        long began = System.nanoTime();
        Path tokenizerFile = o.model().resolve("tokenizer.json");
        try (LanguageModel lm = LanguageModel.load(o.model()); HfTokenizer tokenizer = HfTokenizer.load(tokenizerFile)) {
            String parentId = o.parent() == null ? null : PlanArtifact.read(o.parent(), lm).id();
            CalibrationSet calibration = CalibrationSet.fromTokens(TokenizedText.read(o.calib(), tokenizer), o.calibWindows(), o.calibLength());
            PruningPlan plan;
            try (PruneProgress progress = new PruneProgress("prune " + pruner.name())) {
                plan = pruner.plan(new PruningTarget(lm, o.sparsity(), o.methodOptions()), calibration, progress);
            }
            Map<String, Double> quality = o.eval() == null ? Map.of()
                    : Map.of("perplexity", perplexity(lm, plan, TokenizedText.read(o.eval(), tokenizer)));
            PlanArtifact artifact = AtomicDirectory.create(o.out(), staging -> {
                if (o.materialize()) {
                    materialize(lm, plan, staging.resolve("model"), tokenizerFile);
                }
                return PlanArtifact.writeInto(staging, plan, lm, parentId, quality);
            });
            report(o, lm, artifact, (System.nanoTime() - began) / 1e9);
        }
        return 0;
    }

    private static double perplexity(LanguageModel lm, PruningPlan plan, int[] tokens) {
        try (NDManager m = lm.manager().newSubManager()) {
            WeightEditor.Result pruned = plan.applyMasked(lm.config(), lm.transformer().weights(), m);
            return Perplexity.evaluate(lm.transformer().withWeights(pruned.weights()), tokens, EVAL_WINDOW, 8).perplexity();
        }
    }

    private static void materialize(LanguageModel lm, PruningPlan plan, Path dir, Path tokenizer) throws IOException {
        try (NDManager m = lm.manager().newSubManager()) {
            WeightEditor.Result pruned = plan.applyMaterialized(lm.config(), lm.transformer().weights(), m);
            LanguageModel.save(pruned.config(), pruned.weights(), dir, DType.F32, tokenizer);
        }
    }

    private void report(PruneOptions o, LanguageModel lm, PlanArtifact artifact, double seconds) {
        SparsityReport s = artifact.manifest().sparsity();
        long parameters = lm.parameterCount();
        Double ppl = artifact.manifest().quality().get("perplexity");
        if (json) {
            ObjectNode j = Json.object();
            j.put("method", artifact.plan().method());
            j.put("pattern", artifact.plan().settings().get("pattern"));
            j.put("owl", o.owl());
            j.put("target_sparsity", o.sparsity());
            j.put("sparsity", s.overall());
            j.put("pruned_tensors", s.tensors().size());
            j.put("parameters", parameters);
            j.put("nonzero_parameters", parameters - s.zeros());
            if (ppl != null) {
                j.put("perplexity", ppl);
            }
            j.put("seconds", seconds);
            j.put("plan_id", artifact.id());
            j.put("out", o.out().toString());
            Json.print(j);
        } else {
            System.out.printf("plan %s: %s, %.2f%% of %d tensors pruned (%,d of %,d parameters nonzero)%s, %.1f s -> %s%n",
                    artifact.id().substring(0, 12), artifact.plan().method(), 100 * s.overall(), s.tensors().size(),
                    parameters - s.zeros(), parameters, ppl == null ? "" : String.format(", perplexity %.3f", ppl), seconds, o.out());
        }
    }

    /** The registered method names, for the help text. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return PruningMethods.names().iterator();
        }
    }
}
