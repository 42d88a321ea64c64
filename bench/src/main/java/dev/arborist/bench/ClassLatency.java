package dev.arborist.bench;

import ai.djl.ndarray.NDManager;
import dev.arborist.cli.demo.PromptPool;
import dev.arborist.model.nn.Transformer;
import dev.arborist.policies.control.PolicyTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a learned per-input table does to each class of prompts, one request at a time: the latency
 * of generating each prompt's continuation at the rung the table gives it against dense, measured
 * side by side (alternating which runs first, after a warm-up), and what that rung costs the class
 * by its shadow profiles. A class the table keeps dense pays nothing and gains nothing.
 */
final class ClassLatency {
    private static final int WARM_UP = 6;

    private ClassLatency() {}

    static void print(PolicyTable table, List<InputsBench.Profiled> profiled, List<Transformer> rungs, int tokens, int perClass, NDManager m) {
        warmUp(profiled, rungs, tokens, m);
        System.out.printf(Locale.ROOT, "%nper class at the table's rungs, one request at a time (%d prompts each, %d tokens, dense and rung alternating)%n%n",
                perClass, tokens);
        System.out.println("| class | table's rungs | cost at them (perplexity increase) | mean e2e dense | mean e2e at the table's rung | "
                + "median per-prompt speed-up |");
        System.out.println("|---|---|---|---|---|---|");
        for (PromptPool.Domain domain : PromptPool.Domain.values()) {
            List<InputsBench.Profiled> mine = profiled.stream().filter(p -> p.domain() == domain).limit(perClass).toList();
            double[] dense = new double[mine.size()];
            double[] routed = new double[mine.size()];
            double[] speedups = new double[mine.size()];
            double cost = 0;
            List<Integer> used = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                InputsBench.Profiled p = mine.get(i);
                int rung = table.rungFor(domain.sloClass(), p.lengthBucket(), null);
                if (!used.contains(rung)) {
                    used.add(rung);
                }
                cost += rung == 0 ? 0 : p.divergences()[rung];
                boolean denseFirst = i % 2 == 0; // neither side always runs on a warmer cache
                double a = seconds(rungs.get(denseFirst ? 0 : rung), p.prompt(), tokens, m);
                double b = seconds(rungs.get(denseFirst ? rung : 0), p.prompt(), tokens, m);
                dense[i] = denseFirst ? a : b;
                routed[i] = denseFirst ? b : a;
                speedups[i] = dense[i] / routed[i];
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %+.1f%% | %.1f ms | %.1f ms | %.2fx |%n", domain.sloClass(), used,
                    100 * Math.expm1(cost / mine.size()), 1000 * mean(dense), 1000 * mean(routed), Stats.median(speedups));
        }
    }

    private static void warmUp(List<InputsBench.Profiled> profiled, List<Transformer> rungs, int tokens, NDManager m) {
        for (int i = 0; i < WARM_UP; i++) {
            for (Transformer rung : rungs) {
                seconds(rung, profiled.get(i % profiled.size()).prompt(), tokens, m);
            }
        }
    }

    private static double seconds(Transformer model, int[] prompt, int tokens, NDManager m) {
        long start = System.nanoTime();
        InputsBench.greedy(model, prompt, tokens, m);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
