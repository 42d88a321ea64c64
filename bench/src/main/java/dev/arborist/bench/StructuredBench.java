package dev.arborist.bench;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.Architecture;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.train.BundledModelRecipe;
import dev.arborist.policies.PruningMethod;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.ExpertPruning;
import dev.arborist.policies.structured.ExpertSkipping;
import dev.arborist.policies.structured.FfnChannelPruning;
import dev.arborist.policies.structured.HeadPruning;
import dev.arborist.policies.structured.LayerPruning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decode throughput of structurally pruned, materialised models against the dense model they came
 * from: removing channels, heads, layers or experts must make decoding faster, not just smaller.
 *
 * <p>Usage: {@code bench/run structured [--model DIR | --random moe|llama] [--reps 5] [--steps 32]}. With
 * {@code --random} the weights are random in the bundled model's shape (or a dense Llama of the
 * same size) and calibration is random tokens: timings do not depend on what the weights learned.
 */
public final class StructuredBench {
    /** The JNI-heavy Java side of a decode step reaches full speed only after ~500 steps of C2 compilation. */
    private static final int WARM_UP_RUNS = 20;

    private record Variant(String label, PruningMethod method, double sparsity, Map<String, String> options) {}

    public static void main(String[] args) {
        int reps = Integer.parseInt(Stats.arg(args, "--reps", "5"));
        int steps = Integer.parseInt(Stats.arg(args, "--steps", "32"));
        try (LanguageModel dense = open(args)) {
            ModelConfig config = dense.config();
            CalibrationSet calibration = randomCalibration(config, 16, Math.min(128, config.maxPositions()));
            List<Variant> variants = List.of(
                    new Variant("ffn-channels 50%", new FfnChannelPruning(), 0.5, Map.of()),
                    new Variant("heads 50% (KV groups)", new HeadPruning(), 0.5, Map.of()),
                    new Variant("layers 33%", new LayerPruning(), 1.0 / 3, Map.of()),
                    new Variant("experts 50% (reap)", new ExpertPruning(), 0.5, Map.of("criterion", "reap")),
                    new Variant("expert-skip 50%", new ExpertSkipping(), 0.5, Map.of()));
            System.out.printf("%s %s, %,d parameters; decode after a 16-token prompt, %d steps, median of %d%n%n",
                    config.architecture().hfName(), dense.directory() == null ? "(random weights)" : dense.directory(),
                    dense.parameterCount(), steps, reps);
            System.out.println("| plan | parameters | plan s | decode b=1 tok/s, dense -> pruned | speed-up | decode b=8 tok/s | speed-up |");
            System.out.println("|---|---|---|---|---|---|---|");
            DecodeThroughput denseLoop = new DecodeThroughput(dense.transformer(), dense.manager());
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                denseLoop.decodeTokensPerSecond(1 + i % 2 * 7, 16, steps, 0);
            }
            for (Variant v : variants) {
                if (!config.isMoe() && (v.method() instanceof ExpertPruning || v.method() instanceof ExpertSkipping)) {
                    continue;
                }
                long began = System.nanoTime();
                PruningPlan plan = v.method().plan(new PruningTarget(dense, v.sparsity(), v.options()), calibration, PruningProgress.NONE);
                double planSeconds = (System.nanoTime() - began) / 1e9;
                try (NDManager m = dense.manager().newSubManager()) {
                    WeightEditor.Result shrunk = plan.applyMaterialized(config, dense.transformer().weights(), m);
                    long params = WeightExport.named(shrunk.config(), shrunk.weights()).values().stream().mapToLong(a -> a.getShape().size()).sum();
                    DecodeThroughput pruned = new DecodeThroughput(new Transformer(shrunk.config(), shrunk.weights(), m), m);
                    pruned.decodeTokensPerSecond(8, 16, steps, 0);
                    Paired b1 = Paired.measure(denseLoop, pruned, 1, reps, steps);
                    Paired b8 = Paired.measure(denseLoop, pruned, 8, reps, steps);
                    System.out.printf("| %s | %,d | %.1f | %.0f -> %.0f | %.2fx | %.0f -> %.0f | %.2fx |%n", v.label(), params, planSeconds,
                            b1.dense(), b1.pruned(), b1.speedup(), b8.dense(), b8.pruned(), b8.speedup());
                }
            }
        }
    }

    /**
     * Dense and pruned decode runs alternate (ABAB...), and the speed-up is the median of the
     * per-pair ratios: the bench machines are shared, and slow drift cancels within a pair.
     */
    private record Paired(double dense, double pruned, double speedup) {
        static Paired measure(DecodeThroughput dense, DecodeThroughput pruned, int batch, int reps, int steps) {
            double[] d = new double[reps];
            double[] p = new double[reps];
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                d[r] = dense.decodeTokensPerSecond(batch, 16, steps, 2);
                p[r] = pruned.decodeTokensPerSecond(batch, 16, steps, 2);
                ratio[r] = p[r] / d[r];
            }
            return new Paired(Stats.median(d), Stats.median(p), Stats.median(ratio));
        }
    }

    private static LanguageModel open(String[] args) {
        String random = Stats.arg(args, "--random", null);
        if (random == null) {
            Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " does not exist; pass --model DIR or --random moe|llama");
            }
            return LanguageModel.load(dir);
        }
        ModelConfig moe = BundledModelRecipe.modelConfig(4096, 1, 2);
        ModelConfig config = switch (random) {
            case "moe" -> moe;
            case "llama" -> new ModelConfig(Architecture.LLAMA, moe.vocabSize(), moe.hiddenSize(), 4 * moe.intermediateSize(),
                    moe.numLayers(), moe.numHeads(), moe.numKvHeads(), moe.headDim(), moe.maxPositions(), moe.ropeTheta(),
                    moe.rmsNormEps(), false, 0, 0, 1, 2);
            default -> throw new IllegalArgumentException("--random takes moe or llama, got " + random);
        };
        NDManager manager = Engines.newManager();
        return LanguageModel.of(config, WeightInit.random(config, manager, 1), manager);
    }

    private static CalibrationSet randomCalibration(ModelConfig config, int count, int length) {
        SplittableRandom random = new SplittableRandom(7);
        int[][] w = new int[count][length];
        for (int[] row : w) {
            for (int t = 0; t < length; t++) {
                row[t] = 3 + random.nextInt(config.vocabSize() - 3);
            }
        }
        return new CalibrationSet(w);
    }
}
