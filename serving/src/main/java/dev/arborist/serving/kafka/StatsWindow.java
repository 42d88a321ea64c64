package dev.arborist.serving.kafka;

import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.ChannelStats;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.runtime.LanguageModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Periodic {@code arborist.stats.v1} sketches from sampled decode steps. The model thread asks
 * {@link #forStep} before each step: one step in {@code sampleEvery} gets an
 * {@link ActivationStatistics}, the others run uninstrumented. After each step (and while idle)
 * {@link #tick} closes the window once {@code interval} has passed: it turns the statistics into
 * one event, hands it to {@code sink} (which must not block) and starts a new window. Only the
 * model thread calls it; channel statistics are kept for FFN_OUT (down-projection inputs) only,
 * which is what channel and expert pruning read, to keep events small.
 */
public final class StatsWindow implements AutoCloseable {
    public static final String SCHEMA = "arborist.stats.v1";

    private final TelemetryConfig config;
    private final Consumer<String> sink;
    private final Clock clock;
    private LanguageModel model; // the dense base, known once the model thread has loaded it
    private ActivationStatistics stats;
    private Instant windowStart;
    private long steps;
    private long sampledSteps;
    private long sampledTokens;

    public StatsWindow(TelemetryConfig config, Consumer<String> sink, Clock clock) {
        this.config = config;
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * @param tokens the real tokens the coming step feeds (prefill rows count every prompt token)
     * @return the instrumentation for this step: a collector for sampled steps, else {@link Instrumentation#OFF}
     */
    public Instrumentation forStep(LanguageModel base, int tokens) {
        if (model == null) {
            model = base;
            reset();
        }
        if (steps++ % config.sampleEvery() != 0) {
            return Instrumentation.OFF;
        }
        sampledSteps++;
        sampledTokens += tokens;
        return stats;
    }

    /** Sends and resets the window once its interval has passed; nothing is sent for a window without samples. */
    public void tick() {
        if (model == null || Duration.between(windowStart, clock.instant()).compareTo(config.statsInterval()) < 0) {
            return;
        }
        if (sampledSteps > 0) {
            sink.accept(snapshot(clock.instant()).encode());
        }
        stats.close();
        reset();
    }

    private void reset() {
        ModelConfig c = model.config();
        stats = new ActivationStatistics(c.architecture().mixtureOfExperts() ? c.numExperts() : 0, false, model.manager());
        windowStart = clock.instant();
        steps = 0;
        sampledSteps = 0;
        sampledTokens = 0;
    }

    private JsonObject snapshot(Instant end) {
        ModelConfig c = model.config();
        boolean moe = c.architecture().mixtureOfExperts();
        JsonArray layers = new JsonArray();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            double influence = stats.blockInfluence(layer);
            JsonObject l = new JsonObject().put("layer", layer).put("block_influence", Double.isNaN(influence) ? null : influence);
            if (moe) {
                l.put("routing_counts", longs(stats.routingCounts(layer))).put("gate_sums", doubles(stats.gateSums(layer)));
            }
            l.put("ffn_out", ffnOut(layer, moe ? c.numExperts() : 0));
            layers.add(l);
        }
        return new JsonObject()
                .put("schema", SCHEMA)
                .put("deployment", config.deployment())
                .put("replica", config.replica())
                .put("window_start", windowStart.toString())
                .put("window_end", end.toString())
                .put("sample_every", config.sampleEvery())
                .put("steps", steps)
                .put("sampled_steps", sampledSteps)
                .put("sampled_tokens", sampledTokens)
                .put("experts_per_token", moe ? c.expertsPerToken() : null)
                .put("layers", layers);
    }

    /** Sum of squares per FFN_OUT channel, per expert for MoE layers (expert -1: the dense FFN). */
    private JsonArray ffnOut(int layer, int experts) {
        JsonArray sites = new JsonArray();
        for (int expert = experts == 0 ? -1 : 0; expert < Math.max(experts, 0); expert++) {
            ChannelStats s = stats.channels(layer, LinearSite.FFN_OUT, expert);
            if (s != null) {
                sites.add(new JsonObject().put("expert", expert).put("rows", s.rows()).put("sum_squares", doubles(s.sumSquares())));
            }
        }
        return sites;
    }

    private static JsonArray longs(long[] values) {
        JsonArray a = new JsonArray();
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray doubles(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    @Override
    public void close() {
        if (stats != null) {
            stats.close();
        }
    }
}
