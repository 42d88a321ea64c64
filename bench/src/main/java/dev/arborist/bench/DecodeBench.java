package dev.arborist.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import java.nio.file.Path;

/**
 * Prefill and decode throughput of a model at batch 1, 8 and 32, and how much of a decode step is
 * per-op overhead: a structural twin (same layers, heads, experts, routing, but widths of 2-16, so
 * its arithmetic is negligible) runs the same op sequence; its step time is the overhead.
 *
 * <p>Usage: {@code bench/run decode [--model DIR] [--reps 5] [--steps 32]}
 */
public final class DecodeBench {

    public static void main(String[] args) {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int reps = Integer.parseInt(Stats.arg(args, "--reps", "5"));
        int steps = Integer.parseInt(Stats.arg(args, "--steps", "32"));
        try (LanguageModel lm = LanguageModel.load(dir); NDManager scratch = Engines.newManager()) {
            System.out.printf("model %s, %,d parameters, %d reps (median)%n%n", dir, lm.parameterCount(), reps);
            System.out.printf("plain fp32 matmul (1024x256 @ 256x1024): %.1f GFLOP/s%n%n", matmulGflops(scratch, reps));
            DecodeThroughput loop = new DecodeThroughput(lm.transformer(), lm.manager());
            loop.decodeTokensPerSecond(4, 16, 8, 0); // warm-up
            System.out.println("| measurement | tokens/s |");
            System.out.println("|---|---|");
            System.out.printf("| prefill, batch 8 x 128 tokens | %.0f |%n", Stats.median(reps, () -> loop.prefillTokensPerSecond(8, 128, 1)));
            double batch1 = 0;
            for (int batch : new int[] {1, 8, 32}) {
                double tps = Stats.median(reps, () -> loop.decodeTokensPerSecond(batch, 16, steps, 2));
                if (batch == 1) {
                    batch1 = tps;
                }
                System.out.printf("| decode, batch %d | %.0f |%n", batch, tps);
            }
            DecodeThroughput twin = new DecodeThroughput(new Transformer(twinConfig(lm.config()), WeightInit.random(twinConfig(lm.config()), scratch, 1), scratch), scratch);
            twin.decodeTokensPerSecond(1, 16, 8, 0);
            double twinTps = Stats.median(reps, () -> twin.decodeTokensPerSecond(1, 16, steps, 2));
            System.out.printf("%nbatch-1 decode step: %.2f ms; structural twin (per-op overhead): %.2f ms -> overhead %.0f%%, matmul and other arithmetic %.0f%%%n",
                    1000 / batch1, 1000 / twinTps, 100 * batch1 / twinTps, 100 * (1 - batch1 / twinTps));
        }
    }

    /** Same op graph, negligible arithmetic. */
    static ModelConfig twinConfig(ModelConfig c) {
        int heads = c.numHeads();
        return new ModelConfig(c.architecture(), 64, 2 * heads, 8, c.numLayers(), heads, c.numKvHeads(), 2, c.maxPositions(),
                c.ropeTheta(), c.rmsNormEps(), c.tieWordEmbeddings(), c.numExperts(), c.expertsPerToken(), 0, 1);
    }

    private static double matmulGflops(NDManager manager, int reps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(1024, 256));
            NDArray b = m.randomNormal(new Shape(256, 1024));
            a.matMul(b).close();
            return Stats.median(reps, () -> {
                long began = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    a.matMul(b).close();
                }
                return 20 * 2.0 * 1024 * 256 * 1024 / ((System.nanoTime() - began) / 1e9) / 1e9;
            });
        }
    }
}
