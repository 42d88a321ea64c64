package dev.arborist.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.instrument.SiteKey;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.unstructured.HessianInverse;
import dev.arborist.policies.unstructured.PrunableWeight;
import dev.arborist.policies.unstructured.SiteInputs;
import dev.arborist.policies.unstructured.SparseGpt;
import dev.arborist.policies.unstructured.SparsityPattern;
import java.nio.file.Path;
import java.util.Map;

/**
 * How long unstructured pruning of the whole model takes, and how fast SparseGPT's kernels run
 * compared with a plain matmul measured in the same process.
 *
 * <p>Usage: {@code bench/run prune [--model DIR] [--reps 3]}
 */
public final class PruneBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int reps = Integer.parseInt(Stats.arg(args, "--reps", "3"));
        try (LanguageModel lm = LanguageModel.load(dir); HfTokenizer tokenizer = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            CalibrationSet calib = CalibrationSet.fromTokens(TokenizedText.read(dir.resolve("calib.txt"), tokenizer), 32, 128);
            System.out.printf("model %s, calibration %d x %d tokens, sparsity 0.5, %d reps (median)%n%n", dir, calib.count(), calib.length(), reps);
            System.out.println("| method | whole-model plan, seconds |");
            System.out.println("|---|---|");
            for (String method : new String[] {"magnitude", "wanda", "sparsegpt"}) {
                double s = Stats.median(reps, () -> {
                    long began = System.nanoTime();
                    PruningMethods.create(method).plan(new PruningTarget(lm, 0.5, Map.of()), calib, PruningProgress.NONE);
                    return (System.nanoTime() - began) / 1e9;
                });
                System.out.printf("| %s | %.2f |%n", method, s);
            }
            kernels(reps);
        }
    }

    /** SparseGPT's Hessian factorisation and update pass on a (256, 512) weight, vs plain matmul. */
    private static void kernels(int reps) {
        int rows = 256;
        int cols = 512;
        try (NDManager m = Engines.newManager(); ActivationStatistics stats = new ActivationStatistics(0, true, m)) {
            NDArray mix = m.randomNormal(new Shape(cols, cols)).div(Math.sqrt(cols));
            NDArray x = m.randomNormal(new Shape(4096, cols)).matMul(mix); // correlated inputs, like real activations
            SiteKey key = new SiteKey(0, LinearSite.FFN_OUT, -1);
            stats.linearInput(0, LinearSite.FFN_OUT, -1, x);
            float[] gram = stats.gramian(key).toFloatArray();
            NDArray w = m.randomNormal(new Shape(rows, cols));
            double hessian = Stats.median(reps, () -> {
                long began = System.nanoTime();
                HessianInverse.of(gram, cols, "bench");
                return (System.nanoTime() - began) / 1e9;
            });
            double prune = Stats.median(reps, () -> {
                SiteInputs inputs = SiteInputs.of(stats, key);
                inputs.hessianInverse(cols); // factorised outside the timed region
                long began = System.nanoTime();
                new SparseGpt().prune(new PrunableWeight("bench", key, w), inputs, 0.5, SparsityPattern.parse("unstructured"));
                return (System.nanoTime() - began) / 1e9;
            });
            NDArray a = m.randomNormal(new Shape(512, 512));
            double matmul = Stats.median(reps, () -> {
                long began = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    a.matMul(a).close();
                }
                return (System.nanoTime() - began) / 1e9 / 50;
            });
            double n = cols;
            double hessianFlops = 2 * n * n * n / 3; // Cholesky n^3/3 + triangular inverse n^3/3
            double pruneFlops = (double) rows * cols * cols + (double) rows * cols * 128; // lazy updates r*c^2, in-block r*c*B
            System.out.printf("%n| kernel (%d x %d weight) | seconds | GFLOP/s |%n|---|---|---|%n", rows, cols);
            System.out.printf("| Hessian inverse factor (plain Java, n=%d) | %.3f | %.2f |%n", cols, hessian, hessianFlops / hessian / 1e9);
            System.out.printf("| SparseGPT mask + updates (NDArray matmul) | %.3f | %.2f |%n", prune, pruneFlops / prune / 1e9);
            System.out.printf("| plain fp32 matmul 512x512x512 | %.4f | %.1f |%n", matmul, 2 * 512.0 * 512 * 512 / matmul / 1e9);
        }
    }
}
