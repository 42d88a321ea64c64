package dev.arborist.agent.metrics;

import dev.arborist.agent.window.WindowStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's meters, under the exact Prometheus names the dashboards read (Micrometer dots become
 * underscores, counters gain {@code _total}). Every counter's label values are registered at 0 up
 * front so a dashboard shows a flat line, not "no data", until the first event. Gauges hold NaN
 * until the first value is known. Thread-safe: the consumer thread and the plan worker write, the
 * HTTP thread scrapes.
 */
public final class AgentMetrics implements AutoCloseable {
    /** The controller's actions as metric label values. */
    public static final List<String> ACTIONS = List.of("hold", "sparser", "denser", "rebuild", "rollback", "policy");
    /** Outcomes of a plan build. */
    public static final List<String> BUILD_RESULTS = List.of("published", "rejected");
    /** Why an event was skipped. */
    public static final List<String> SKIP_REASONS = List.of("malformed", "unknown_schema", "other_deployment", "late", "unknown_plan");
    /** The latency quantiles an SLO may target, as label values. */
    public static final List<String> LATENCIES = List.of("ttft_p95", "itl_p95", "e2e_p95");
    /**
     * The agent reads its lag after every poll; with the broker down its loop blocks and the last reading would
     * stand for the whole outage (typically 0), so one this old reads as unknown.
     */
    public static final Duration LAG_MAX_AGE = Duration.ofSeconds(10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String deployment;
    private final LongSupplier nanoTime;
    private final Map<String, Value> values = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** @param topics the topics consumed, for the lag and skip series */
    public AgentMetrics(String deployment, List<String> topics) {
        this(deployment, topics, System::nanoTime);
    }

    /** @param nanoTime the clock that ages readings (tests pass their own) */
    AgentMetrics(String deployment, List<String> topics, LongSupplier nanoTime) {
        this.deployment = deployment;
        this.nanoTime = nanoTime;
        for (String a : ACTIONS) {
            decisions(a);
        }
        for (String r : BUILD_RESULTS) {
            builds(r);
        }
        for (String topic : topics) {
            gauge("arborist.agent.consumer.lag.records", "Records of the topic not yet consumed by the agent's group; NaN while unknown"
                    + " (before the first fetch, or no reading for " + LAG_MAX_AGE.toSeconds() + " s: the broker unreachable)",
                    Tags.of("topic", topic), LAG_MAX_AGE);
            for (String reason : SKIP_REASONS) {
                skipped(topic, reason);
            }
        }
        Tags d = Tags.of("deployment", deployment);
        gauge("arborist.agent.rung", "Ladder rung the agent serves the deployment at (0 = dense)", d);
        gauge("arborist.agent.sparsity.ratio", "Share of decoder weights the current rung does not run", d);
        gauge("arborist.agent.quality.ratio", "Held-out perplexity of the current rung over dense's, as verified", d);
        gauge("arborist.agent.quality.budget.ratio", "Largest perplexity ratio to dense the SLO allows", d);
        gauge("arborist.agent.shadow.quality.ratio", "Live shadow quality of the rungs served: exp(mean log-likelihood gap to dense) over"
                + " the last 64 or more shadow-scored tokens; NaN until that many were scored", d);
        gauge("arborist.agent.drift.score", "Traffic drift score of the last window against the plan's reference", d);
        gauge("arborist.agent.plan.build.running", "1 while a plan build for the deployment runs (or waits for a calm window), else 0", d);
        gauge("arborist.agent.plan.build.held", "1 while a background plan build waits for a calm window (dense, with headroom), else 0", d);
        gauge("arborist.agent.statistics.tokens", "Sampled tokens the decayed live statistics hold: the evidence the next plan"
                + " would be built from", d);
        for (String metric : LATENCIES) {
            gauge("arborist.slo.target.seconds", "SLO target of the latency quantile", d.and("metric", metric));
            gauge("arborist.agent.observed.latency.seconds", "Latency quantile of the last closed window, all replicas", d.and("metric", metric));
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public void decision(String action) {
        decisions(action).increment();
    }

    public void planBuild(String result) {
        builds(result).increment();
    }

    public void skipped(String topic, String reason, long n) {
        skipped(topic, reason).increment(n);
    }

    public void lag(String topic, double records) {
        set("arborist.agent.consumer.lag.records", Tags.of("topic", topic), records);
    }

    public void rung(int rung) {
        set("arborist.agent.rung", deploymentTag(), rung);
    }

    public void sparsity(double ratio) {
        set("arborist.agent.sparsity.ratio", deploymentTag(), ratio);
    }

    public void quality(double ratio) {
        set("arborist.agent.quality.ratio", deploymentTag(), ratio);
    }

    public void qualityBudget(double ratio) {
        set("arborist.agent.quality.budget.ratio", deploymentTag(), ratio);
    }

    /** @param ratio the live shadow ratio over the latest pool of scored tokens */
    public void shadowQuality(double ratio) {
        set("arborist.agent.shadow.quality.ratio", deploymentTag(), ratio);
    }

    /** @param held the build waits at a checkpoint while the deployment is not calm (dense, with headroom) */
    public void buildState(boolean running, boolean held) {
        set("arborist.agent.plan.build.running", deploymentTag(), running ? 1 : 0);
        set("arborist.agent.plan.build.held", deploymentTag(), held ? 1 : 0);
    }

    /** @param tokens decayed sampled tokens of the live statistics */
    public void statisticsTokens(double tokens) {
        set("arborist.agent.statistics.tokens", deploymentTag(), tokens);
    }

    public void driftScore(double score) {
        set("arborist.agent.drift.score", deploymentTag(), score);
    }

    /** @param metric one of {@link #LATENCIES}; NaN: not targeted */
    public void sloTarget(String metric, double seconds) {
        set("arborist.slo.target.seconds", deploymentTag().and("metric", metric), seconds);
    }

    /** @param metric one of {@link #LATENCIES}; NaN: the window had no data */
    public void observedLatency(String metric, double seconds) {
        set("arborist.agent.observed.latency.seconds", deploymentTag().and("metric", metric), seconds);
    }

    /** The latency quantiles of a closed window (NaN where it had no data). */
    public void observed(WindowStats w) {
        observedLatency("ttft_p95", w.ttftP95() == null ? Double.NaN : w.ttftP95());
        observedLatency("itl_p95", w.itlP95() == null ? Double.NaN : w.itlP95());
        observedLatency("e2e_p95", w.e2eP95() == null ? Double.NaN : w.e2eP95());
    }

    /** What the deployment is told to serve now: rung, its weight sparsity, its verified quality ratio. */
    public void served(int rung, double sparsity, double quality) {
        rung(rung);
        sparsity(sparsity);
        quality(quality);
    }

    /** @param usage (L, E) share of each layer's routed tokens per expert */
    public void expertUsage(double[][] usage) {
        for (int l = 0; l < usage.length; l++) {
            for (int e = 0; e < usage[l].length; e++) {
                Tags t = deploymentTag().and("layer", String.valueOf(l)).and("expert", String.valueOf(e));
                gauge("arborist.agent.expert.usage.ratio", "Share of the layer's routed tokens that go to the expert (decayed)", t);
                set("arborist.agent.expert.usage.ratio", t, usage[l][e]);
            }
        }
    }

    private Tags deploymentTag() {
        return Tags.of("deployment", deployment);
    }

    private Counter decisions(String action) {
        return counter("arborist.agent.decisions", "Controller decisions by action", deploymentTag().and("action", action));
    }

    private Counter builds(String result) {
        return counter("arborist.agent.plan.builds", "Plan builds by result", deploymentTag().and("result", result));
    }

    private Counter skipped(String topic, String reason) {
        return counter("arborist.agent.events.skipped", "Events skipped instead of applied, by reason", Tags.of("topic", topic, "reason", reason));
    }

    private Counter counter(String name, String help, Tags tags) {
        return counters.computeIfAbsent(name + tags, k -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    private void gauge(String name, String help, Tags tags) {
        gauge(name, help, tags, null);
    }

    /** @param maxAge a reading older than this is unknown (NaN); null: a reading holds until the next */
    private void gauge(String name, String help, Tags tags, Duration maxAge) {
        values.computeIfAbsent(name + tags, k -> {
            Value v = new Value(maxAge == null ? Long.MAX_VALUE : maxAge.toNanos(), nanoTime);
            Gauge.builder(name, v, Value::get).description(help).tags(tags).register(registry);
            return v;
        });
    }

    private void set(String name, Tags tags, double value) {
        Value v = values.get(name + tags);
        if (v == null) {
            throw new IllegalStateException("gauge " + name + tags + " was not registered");
        }
        v.set(value);
    }

    /** A gauge's current value; NaN until set, and once the last reading is older than its maximum age. */
    private static final class Value implements DoubleSupplier {
        private final long maxAgeNanos;
        private final LongSupplier nanoTime;
        private volatile double value = Double.NaN;
        private volatile long setAt;

        Value(long maxAgeNanos, LongSupplier nanoTime) {
            this.maxAgeNanos = maxAgeNanos;
            this.nanoTime = nanoTime;
        }

        double get() {
            return nanoTime.getAsLong() - setAt > maxAgeNanos ? Double.NaN : value;
        }

        @Override
        public double getAsDouble() {
            return get();
        }

        void set(double v) {
            setAt = nanoTime.getAsLong();
            value = v;
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
