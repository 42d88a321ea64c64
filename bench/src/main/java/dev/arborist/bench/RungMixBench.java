package dev.arborist.bench;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.gen.GreedySampler;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * What a decode step costs when its rows ask for two rungs: one forward per rung (split), or one
 * forward for all rows at the denser rung (merged). Half the rows run the full model, half a
 * sparser level; the arms alternate within each repetition on fresh caches.
 *
 * <p>Usage: {@code bench/run rungMix [--model DIR] [--reps 7] [--steps 16] [--ffn 0.625] [--experts 6] [--skip 4]}
 */
public final class RungMixBench {
    private static final int PROMPT = 16;

    public static void main(String[] args) {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int reps = Integer.parseInt(Stats.arg(args, "--reps", "7"));
        int steps = Integer.parseInt(Stats.arg(args, "--steps", "16"));
        try (LanguageModel lm = LanguageModel.load(dir); NDManager views = lm.manager().newSubManager()) {
            Transformer full = lm.transformer();
            TreeSet<Integer> skipped = new TreeSet<>();
            skipped.add(Integer.parseInt(Stats.arg(args, "--skip", "4")));
            Level level = new Level(Double.parseDouble(Stats.arg(args, "--ffn", "0.625")), Integer.parseInt(Stats.arg(args, "--experts", "6")),
                    lm.config().numKvHeads(), skipped, 0).requireFits(lm.config());
            Transformer sparse = full.atLevel(level, views);
            System.out.printf("model %s; sparser rows at %s; %d decode steps after a %d-token prompt, median of %d alternating reps%n%n",
                    dir, level, steps, PROMPT, reps);
            System.out.println("| batch | split: half full, half sparser | merged: all at full | all sparser | split / merged |");
            System.out.println("|---|---|---|---|---|");
            for (int batch : new int[] {2, 4, 8, 16}) {
                double[][] ms = new double[3][reps];
                for (int r = 0; r < reps; r++) {
                    for (int arm = 0; arm < 3; arm++) {
                        int a = (arm + r) % 3;
                        ms[a][r] = switch (a) {
                            case 0 -> msPerStep(lm, List.of(full), batch, steps, r);
                            case 1 -> msPerStep(lm, List.of(full, sparse), batch, steps, r);
                            default -> msPerStep(lm, List.of(sparse), batch, steps, r);
                        };
                    }
                }
                double merged = Stats.median(ms[0]);
                double split = Stats.median(ms[1]);
                System.out.printf("| %d | %.2f ms | %.2f ms | %.2f ms | %.2fx |%n", batch, split, merged, Stats.median(ms[2]), split / merged);
            }
        }
    }

    /** Milliseconds per decode step of {@code batch} rows, divided evenly between {@code forwards}, one forward each. */
    private static double msPerStep(LanguageModel lm, List<Transformer> forwards, int batch, int steps, long seed) {
        Transformer full = lm.transformer();
        try (NDManager m = lm.manager().newSubManager(); KvCache cache = full.newCache(m, batch, PROMPT + steps + 1)) {
            BatchDecoder decoder = new BatchDecoder(m);
            GreedySampler greedy = new GreedySampler();
            SplittableRandom random = new SplittableRandom(seed);
            List<int[]> slots = new ArrayList<>();
            List<int[][]> feeds = new ArrayList<>();
            int per = batch / forwards.size();
            for (int f = 0; f < forwards.size(); f++) {
                int[] s = new int[per];
                int[][] feed = new int[per][PROMPT];
                for (int i = 0; i < per; i++) {
                    s[i] = cache.acquire();
                    for (int j = 0; j < PROMPT; j++) {
                        feed[i][j] = 3 + random.nextInt(lm.config().vocabSize() - 3);
                    }
                }
                slots.add(s);
                feeds.add(feed);
            }
            long began = 0;
            for (int step = 0; step <= steps; step++) {
                if (step == 1) {
                    began = System.nanoTime(); // after the prefill
                }
                for (int f = 0; f < forwards.size(); f++) {
                    float[][] logits = decoder.step(forwards.get(f), cache, slots.get(f), feeds.get(f), Instrumentation.OFF);
                    for (int i = 0; i < per; i++) {
                        feeds.get(f)[i] = new int[] {greedy.sample(logits[i])};
                    }
                }
            }
            return (System.nanoTime() - began) / 1e6 / steps;
        }
    }
}
