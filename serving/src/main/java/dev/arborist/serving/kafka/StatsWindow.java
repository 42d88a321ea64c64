package dev.arborist.serving.kafka;

import dev.arborist.events.StatsSketch;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.ChannelStats;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.runtime.LanguageModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Periodic {@code arborist.stats.v1} sketches from sampled decode steps. The model thread asks
 * {@link #forStep} before each step: one step in {@code sampleEvery} gets an
 * {@link ActivationStatistics}, the others run uninstrumented; while serving runs a sparse rung, one
 * in {@code sparseSampleEvery}: there a sampled step costs the full width on top of the instrumentation. After each step (and while idle)
 * {@link #tick} closes the window once {@code interval} has passed: it turns the statistics into
 * one event, hands it to {@code sink} (which must not block) and starts a new window. Only the
 * model thread calls it. Of the channel statistics only FFN_OUT (down-projection inputs) and
 * ATTN_OUT (output-projection inputs) are sent, which is what channel, head and expert importance
 * read, to keep events small.
 *
 * <p>An elastic plan runs importance-permuted weights, so its arrays are in the plan's unit order:
 * the sketch names the plan ({@code plan_id}) for the agent to map them back. Sampled steps of an
 * elastic plan run at full width (rung 0, see the scheduler), so the arrays are full width too. A
 * window holds one unit order: when the measured plan changes, the window so far is sent early.
 */
public final class StatsWindow implements AutoCloseable {
    /** The rung sampled steps of an elastic plan run at: rung 0, the full (dense) level. */
    private static final int FULL_RUNG = 0;
    /** The only channel statistics a sketch carries; gathering the others would only slow sampled steps. */
    private static final Set<LinearSite> SENT_SITES = EnumSet.of(LinearSite.FFN_OUT, LinearSite.ATTN_OUT);

    private final TelemetryConfig config;
    private final Consumer<String> sink;
    private final Clock clock;
    private LanguageModel model; // the dense base, known once the model thread has loaded it
    private String planId; // the elastic plan whose order this window's arrays follow; null: base order
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
     * @param tokens the real tokens the coming step feeds to the measured rows (prefill rows count every prompt token)
     * @param measuredPlan the elastic plan the measured rows run (in its permuted order, at full width); null for base order
     * @param sparse whether serving runs a rung sparser than full, so sampling a step would widen it
     * @return the instrumentation for this step: a collector for sampled steps, else {@link Instrumentation#OFF}
     */
    public Instrumentation forStep(LanguageModel base, int tokens, String measuredPlan, boolean sparse) {
        if (model == null) {
            model = base;
            planId = measuredPlan;
            reset();
        }
        if (!Objects.equals(planId, measuredPlan)) {
            sendAndReset(); // the arrays of two unit orders cannot be added up
            planId = measuredPlan;
        }
        if (steps++ % (sparse ? config.sparseSampleEvery() : config.sampleEvery()) != 0) {
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
        sendAndReset();
    }

    private void sendAndReset() {
        if (sampledSteps > 0) {
            sink.accept(snapshot(clock.instant()).encode());
        }
        stats.close();
        reset();
    }

    private void reset() {
        ModelConfig c = model.config();
        stats = new ActivationStatistics(c.architecture().mixtureOfExperts() ? c.numExperts() : 0, false, model.manager(), SENT_SITES);
        windowStart = clock.instant();
        steps = 0;
        sampledSteps = 0;
        sampledTokens = 0;
    }

    private StatsSketch snapshot(Instant end) {
        ModelConfig c = model.config();
        boolean moe = c.architecture().mixtureOfExperts();
        List<StatsSketch.Layer> layers = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            double influence = stats.blockInfluence(layer);
            layers.add(new StatsSketch.Layer(layer, Double.isNaN(influence) ? null : influence,
                    moe ? stats.routingCounts(layer) : null, moe ? stats.gateSums(layer) : null,
                    ffnOut(layer, moe ? c.numExperts() : 0), channels(layer, LinearSite.ATTN_OUT, -1)));
        }
        return new StatsSketch(config.deployment(), config.replica(), windowStart.toString(), end.toString(), config.sampleEvery(),
                steps, sampledSteps, sampledTokens, moe ? c.expertsPerToken() : null, layers, planId, planId == null ? null : FULL_RUNG);
    }

    /** Sum of squares per FFN_OUT channel, per expert for MoE layers (expert -1: the dense FFN). */
    private List<StatsSketch.Channels> ffnOut(int layer, int experts) {
        List<StatsSketch.Channels> sites = new ArrayList<>();
        for (int expert = experts == 0 ? -1 : 0; expert < Math.max(experts, 0); expert++) {
            StatsSketch.Channels s = channels(layer, LinearSite.FFN_OUT, expert);
            if (s != null) {
                sites.add(s);
            }
        }
        return sites;
    }

    private StatsSketch.Channels channels(int layer, LinearSite site, int expert) {
        ChannelStats s = stats.channels(layer, site, expert);
        return s == null ? null : new StatsSketch.Channels(expert, s.rows(), s.sumSquares());
    }

    @Override
    public void close() {
        if (stats != null) {
            stats.close();
        }
    }
}
