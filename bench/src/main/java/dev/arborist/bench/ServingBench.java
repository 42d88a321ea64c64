package dev.arborist.bench;

import dev.arborist.model.gen.DecodeThroughput;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.serving.ServingConfig;
import dev.arborist.serving.ServingServer;
import java.nio.file.Path;

/**
 * End-to-end serving over real HTTP on loopback: requests/s, tokens/s and p50/p99 latency at
 * concurrency 1, 8 and 32; then HTTP at concurrency 8 against the raw batched decode loop of the
 * same model, in alternating blocks of one process run so that machine noise hits both alike.
 * Telemetry on vs off has its own A/B harness ({@code bench/run telemetry}).
 *
 * <p>Usage: {@code bench/run serving [--model DIR] [--requests 8] [--tokens 32] [--rounds 5]}
 */
public final class ServingBench {
    private static final int BATCH = 8;
    private static final int RAW_PROMPT = 16;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        int perClient = Integer.parseInt(Stats.arg(args, "--requests", "8"));
        int tokens = Integer.parseInt(Stats.arg(args, "--tokens", "32"));
        int rounds = Integer.parseInt(Stats.arg(args, "--rounds", "5"));
        System.out.printf("model %s, %d requests per client, %d tokens each (ignore_eos), loopback HTTP, server batch 32%n%n", dir, perClient, tokens);
        ServingServer server = ServingServer.start(ServingConfig.of(dir).withPort(0).withLimits(32, 256, 1 << 20))
                .toCompletionStage().toCompletableFuture().get();
        try (LanguageModel lm = LanguageModel.load(dir)) {
            server.ready().toCompletionStage().toCompletableFuture().get();
            ServingLoad load = new ServingLoad(server.port(), dir.getFileName().toString(), ServingLoad.prompts(dir), tokens);
            load.fixed(4, 2); // warm-up
            concurrencyTable(load, perClient);
            httpVersusRaw(load, new DecodeThroughput(lm.transformer(), lm.manager()), perClient, rounds);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static void concurrencyTable(ServingLoad load, int perClient) throws Exception {
        System.out.println("| concurrency | requests/s | tokens/s | p50 e2e s | p99 e2e s | failed |");
        System.out.println("|---|---|---|---|---|---|");
        for (int c : new int[] {1, 8, 32}) {
            ServingLoad.Summary r = ServingLoad.Summary.of(load.fixed(c, perClient), load.tokens());
            System.out.printf("| %d | %.2f | %.0f | %.2f | %.2f | %d |%n", c, r.requestsPerSecond(), r.tokensPerSecond(), r.p50(), r.p99(), r.failures());
        }
    }

    /**
     * Alternates a block of the raw decode loop (batch 8, {@value #RAW_PROMPT}-token prompts, decode
     * steps only) with a block of HTTP at concurrency 8, {@code rounds} times. The raw loop with its
     * batch-8 prefill counted in is printed too: HTTP has to prefill every prompt, the decode-only
     * loop does not.
     */
    private static void httpVersusRaw(ServingLoad load, DecodeThroughput raw, int perClient, int rounds) throws Exception {
        int tokens = load.tokens();
        raw.decodeTokensPerSecond(BATCH, RAW_PROMPT, 8, 0); // warm-up
        double[] http = new double[rounds];
        double[] decode = new double[rounds];
        double[] withPrefill = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long seed = r + 1;
            decode[r] = Stats.median(3, () -> raw.decodeTokensPerSecond(BATCH, RAW_PROMPT, tokens, seed)); // one run is only ~1 s
            double prefillSeconds = BATCH * RAW_PROMPT / Stats.median(3, () -> raw.prefillTokensPerSecond(BATCH, RAW_PROMPT, seed));
            withPrefill[r] = BATCH * tokens / (prefillSeconds + BATCH * tokens / decode[r]);
            http[r] = ServingLoad.Summary.of(load.fixed(BATCH, perClient), tokens).tokensPerSecond();
            ratio[r] = http[r] / decode[r];
            System.out.printf("round %d: raw decode loop %.0f tokens/s (with its prefill %.0f), HTTP at concurrency 8 %.0f tokens/s: %.0f%%%n",
                    r + 1, decode[r], withPrefill[r], http[r], 100 * ratio[r]);
        }
        System.out.printf("%nmedians over %d alternating rounds: raw decode loop %.0f tokens/s, raw with prefill %.0f, HTTP %.0f -> "
                + "HTTP reaches %.0f%% of the decode-only loop (median of per-round ratios %.0f%%) and %.0f%% of the loop with prefill%n",
                rounds, Stats.median(decode), Stats.median(withPrefill), Stats.median(http), 100 * Stats.median(http) / Stats.median(decode),
                100 * Stats.median(ratio), 100 * Stats.median(http) / Stats.median(withPrefill));
    }
}
