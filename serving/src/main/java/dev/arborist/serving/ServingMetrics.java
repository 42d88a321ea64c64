package dev.arborist.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The serving meters (names of DESIGN.md, Micrometer dots become Prometheus underscores) plus JVM
 * metrics, in one Prometheus registry; Vert.x's HTTP server meters join it (see
 * {@link VertxHttpMetrics}). Thread-safe: the model thread records, the event loop scrapes.
 */
public final class ServingMetrics implements RequestListener, AutoCloseable {
    // vLLM's buckets (seconds); inter-token also gets the 1-5 ms a tiny CPU model reaches.
    private static final double[] TTFT = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] ITL = {0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    private static final double[] E2E = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final PrometheusMeterRegistry registry = newRegistry();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer timeToFirstToken = histogram("arborist.time.to.first.token", "Time from request arrival to its first generated token", TTFT);
    private final Timer interToken = histogram("arborist.inter.token.latency", "Time between two generated tokens of one request", ITL);
    private final Timer endToEnd = histogram("arborist.e2e.request.latency", "Time from request arrival to its end", E2E);
    private final Counter promptTokens = Counter.builder("arborist.prompt.tokens").description("Prompt tokens processed").register(registry);
    private final Map<Integer, Counter> levelTokens = new ConcurrentHashMap<>();
    private final Counter generationTokens = Counter.builder("arborist.generation.tokens").description("Tokens generated").register(registry);
    private final Timer swapDuration = Timer.builder("arborist.swap.duration")
            .description("Time from a plan load request to the switch: read, verify, apply, warm up").register(registry);
    private final AtomicReference<Double> sparsity = new AtomicReference<>(0.0);
    private final MultiGauge modelInfo = MultiGauge.builder("arborist.model.info")
            .description("1 for the plan now served (plan_id \"dense\" for the unpruned model)").register(registry);
    private final AtomicReference<ModelVersion> served = new AtomicReference<>();
    private final Counter rungChanges = Counter.builder("arborist.rung.changes")
            .description("Base rung moves of the served elastic plan, in place (no reload, not a swap)").register(registry);
    private final Counter surgeSteps = Counter.builder("arborist.surge.steps")
            .description("Decode steps a surge ran sparser than the base rung because the oldest request in the system was late").register(registry);

    public ServingMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        for (RequestRecord.Outcome o : RequestRecord.Outcome.values()) {
            requests(o.label()); // export every status from the start, at 0
        }
        requests("rejected");
        requests("invalid");
        swaps("ok");
        swaps("rejected");
        Gauge.builder("arborist.model.sparsity", () -> sparsity.get()).description("Overall sparsity of the served version").register(registry);
        Gauge.builder("arborist.model.rung", served, ServingMetrics::baseRung)
                .description("Base ladder rung of the served elastic plan (requests run there unless the policy table or a pin says otherwise); 0 without a ladder")
                .register(registry);
    }

    private static double baseRung(AtomicReference<ModelVersion> served) {
        ModelVersion v = served.get();
        return v == null || v.elastic() == null ? 0 : v.elastic().selector().baseRung();
    }

    /**
     * Tokens by the rung of the step that produced them: what the served tokens' quality was, table and pins included.
     * Cached per rung: it is counted on the model thread for every token, where a registry lookup would run each time.
     */
    private Counter levelTokens(int rung) {
        return levelTokens.computeIfAbsent(rung, r -> Counter.builder("arborist.level.tokens")
                .description("Tokens generated by elastic plans, by the ladder rung of the step that produced them")
                .tag("rung", Integer.toString(r)).register(registry));
    }

    private Counter levelRequests(int rung) {
        return Counter.builder("arborist.level.requests").description("Finished requests of elastic plans by the ladder rung they finished at")
                .tag("rung", Integer.toString(rung)).register(registry);
    }

    private static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // promtool rejects two of Micrometer's processor meter names: process_cpu_time_ns_total (abbreviated
        // unit; process_cpu_usage stays) and the gauge system_cpu_count ("_count" is for histograms).
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(VertxHttpMetrics.boundedLabels()); // before any meter: filters only see later ones
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
            }
        });
        return registry;
    }

    private Timer histogram(String name, String help, double[] bucketsSeconds) {
        return Timer.builder(name)
                .description(help)
                .serviceLevelObjectives(Arrays.stream(bucketsSeconds).mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new))
                .register(registry);
    }

    private Counter requests(String status) {
        return Counter.builder("arborist.requests").description("Requests by how they ended").tag("status", status).register(registry);
    }

    private Counter swaps(String result) {
        return Counter.builder("arborist.swaps").description("Plan swaps and rollbacks by result").tag("result", result).register(registry);
    }

    /** A switch (plan load or rollback) took effect. */
    void swapped(long nanos, ModelVersion now) {
        swaps("ok").increment();
        swapDuration.record(nanos, TimeUnit.NANOSECONDS);
        servingVersion(now);
    }

    /** A plan was refused; serving stays on the current version. */
    void swapRejected() {
        swaps("rejected").increment();
    }

    /** Points sparsity and model info at {@code now}. */
    void servingVersion(ModelVersion now) {
        served.set(now);
        sparsity.set(now.sparsity());
        modelInfo.register(List.of(MultiGauge.Row.of(Tags.of("plan_id", now.id()), 1)), true);
    }

    /** The served elastic plan's base rung moved in place; the rung gauge reads it from the version. */
    void rungChanged() {
        rungChanges.increment();
    }

    /** A step ran sparser than its rows asked, by the surge rule. */
    void surgeStep() {
        surgeSteps.increment();
    }

    /** Gauges over the scheduler's queues; they read the suppliers at scrape time. */
    void bindQueues(IntSupplier waiting, IntSupplier running) {
        Gauge.builder("arborist.requests.waiting", waiting::getAsInt).description("Requests waiting for a batch slot").register(registry);
        Gauge.builder("arborist.requests.running", running::getAsInt).description("Requests in the running batch").register(registry);
    }

    /**
     * One generated token: the first one gives TTFT, later ones the gap since the previous (-1 = not applicable).
     *
     * @param rung the rung of the step that produced it; {@link ModelVersion#NO_RUNG} for a version without a ladder
     */
    void tokenProduced(long firstTokenNanos, long sincePreviousNanos, int rung) {
        if (rung != ModelVersion.NO_RUNG) {
            levelTokens(rung).increment();
        }
        if (firstTokenNanos >= 0) {
            timeToFirstToken.record(firstTokenNanos, TimeUnit.NANOSECONDS);
        }
        if (sincePreviousNanos >= 0) {
            interToken.record(sincePreviousNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A request refused before it reached the scheduler: {@code rejected} (429) or {@code invalid} (other 4xx). */
    void refused(String status) {
        requests(status).increment();
    }

    @Override
    public void onCompleted(RequestRecord r) {
        requests(r.outcome().label()).increment();
        endToEnd.record(r.totalNanos(), TimeUnit.NANOSECONDS);
        promptTokens.increment(r.promptTokens());
        generationTokens.increment(r.generatedTokens());
        if (r.rung() != null) {
            levelRequests(r.rung()).increment();
        }
    }

    /** The registry behind {@code /metrics}, for meters kept elsewhere (telemetry, Vert.x). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
