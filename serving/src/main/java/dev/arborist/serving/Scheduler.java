package dev.arborist.serving;

import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.gen.FinishReason;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.tokenizer.Detokenizer;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.serving.kafka.StatsWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching on one dedicated model thread. Each step admits waiting sequences into free
 * KV-cache slots, runs the new sequences' prefill rows and everyone else's decode rows (as two
 * {@link BatchDecoder} forwards, so decode rows are not padded to a prompt's length), and lets
 * finished or cancelled sequences leave and free their slot. The thread loads and warms up the
 * model itself.
 *
 * <p>Hot swap: a sequence is admitted on the {@link ModelVersions#current() current} version and
 * keeps it until it finishes. Versions cannot share a forward pass, so each step runs one decoder
 * step per version present in the batch (one, except right after a switch).
 *
 * <p>Elastic versions: each step, each sequence runs at the rung its version's {@link RungSelector}
 * gives its features now, and {@link StepGroups} runs one forward per (version, rung, phase). A
 * step sampled for the activation statistics runs the current version's rows at full width: the
 * agent needs what the dense model would do, experts and channels a sparse rung trims included,
 * and the permuted order is mapped back by the sketch's plan id. That costs the speed-up of one
 * step in {@code sampleEvery}, and those rows get a token from the denser model. No step is sampled
 * while a {@link SurgeRule surge} runs it sparser: those are the steps that make requests late.
 *
 * <p>Finished requests are reported once their step is over, when the scheduler knows whether
 * anyone else still runs or waits: a due shadow profile ({@link RequestSampling}) stalls the model
 * thread, so it is taken when that delays nobody.
 */
final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final long IDLE_POLL_MS = 20;
    private static final long BURST_GAP_MS = 5;
    private static final long BURST_MAX_MS = 20;

    private final Supplier<LoadedModel> loader;
    private final int maxBatch;
    private final BlockingQueue<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();
    private final ServingMetrics metrics;
    private final RequestListener listener;
    private final CompletableFuture<LoadedModel> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean draining;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private volatile int runningCount; // running.size() for the gauge, which reads from other threads
    private String modelName = "";
    private volatile ModelVersions versions; // set once the model is ready
    private StatsWindow stats; // null: no step is instrumented
    private int sampleRequestsEvery; // 0: no finished request is sampled
    private PromptSignature signature; // set once the model is loaded
    private RequestSampling sampling; // null: no finished request is sampled
    private volatile SurgeRule surge; // null: steps run at the rungs their rows ask for
    private final List<Finished> finishedThisStep = new ArrayList<>(); // reported once the step is over

    Scheduler(Supplier<LoadedModel> loader, int maxBatch, int queueCapacity, ServingMetrics metrics, RequestListener listener) {
        this.loader = loader;
        this.maxBatch = maxBatch;
        this.waiting = new ArrayBlockingQueue<>(queueCapacity);
        this.metrics = metrics;
        this.listener = listener;
        this.thread = new Thread(this::run, "arborist-model");
        metrics.bindQueues(waiting::size, () -> runningCount);
    }

    /** Samples decode steps into {@code window}; call before {@link #start()}. */
    void sampleStats(StatsWindow window) {
        this.stats = window;
    }

    /** Samples one finished request in {@code every} (see {@link RequestSampling}); call before {@link #start()}. */
    void sampleRequests(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("sample one request in " + every + ": use >= 1");
        }
        this.sampleRequestsEvery = every;
    }

    /** Runs steps sparser while the oldest request in the system is late (see {@link SurgeRule}); null: never. From the next step on. */
    void surge(SurgeRule rule) {
        this.surge = rule;
    }

    void start() {
        thread.start();
    }

    /** Completes once the model is loaded and warmed up; fails if loading failed. */
    CompletableFuture<LoadedModel> ready() {
        return ready;
    }

    /** The loaded model, or null while it loads or when loading failed. */
    LoadedModel model() {
        return ready.isDone() && !ready.isCompletedExceptionally() ? ready.join() : null;
    }

    /** The served versions, or null while the model loads or when loading failed. */
    ModelVersions versions() {
        return versions;
    }

    /** A cache for a new version, sized like the dense one. */
    KvCache newCache(dev.arborist.model.nn.Transformer transformer, ai.djl.ndarray.NDManager manager, int contextLength) {
        return transformer.newCache(manager, maxBatch, contextLength);
    }

    /** @return false when the waiting queue is full (the caller answers 429) */
    boolean submit(Sequence sequence) {
        if (draining) {
            throw ApiError.unavailable("the server is shutting down");
        }
        return waiting.offer(sequence);
    }

    /** Stops taking requests, finishes the ones in flight (cancelling what is left after {@code timeout}), then frees the model. */
    CompletableFuture<Void> drain(Duration timeout) {
        drainDeadline = System.nanoTime() + timeout.toNanos();
        draining = true;
        if (!thread.isAlive() && !stopped.isDone()) {
            stopped.complete(null); // never started
        }
        return stopped;
    }

    private void run() {
        LoadedModel model;
        try {
            model = loader.get();
        } catch (RuntimeException e) {
            LOG.error("cannot load the model: {}", e.getMessage(), e);
            ready.completeExceptionally(e);
            stopped.complete(null);
            return;
        }
        try (model; KvCache cache = model.model().transformer().newCache(model.model().manager(), maxBatch, model.contextLength())) {
            BatchDecoder decoder = new BatchDecoder(model.model().manager());
            warmUp(model, cache, decoder);
            modelName = model.name();
            versions = new ModelVersions(ModelVersion.dense(model.model().transformer(), cache));
            signature = new PromptSignature(model.model().transformer(), model.model().manager());
            sampling = sampleRequestsEvery == 0 ? null : new RequestSampling(sampleRequestsEvery, new ShadowScorer(model.model().manager()));
            metrics.servingVersion(versions.current());
            ready.complete(model);
            LOG.info("model {} ready: batch {}, context {}", model.name(), maxBatch, model.contextLength());
            try {
                loop(new Step(model, decoder));
            } finally {
                if (stats != null) {
                    stats.close(); // its accumulators live in the model's manager
                }
                versions.all().forEach(ModelVersion::close);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failAll(ApiError.unavailable("the server stopped"));
        } catch (RuntimeException | Error e) {
            LOG.error("model thread failed", e);
            ready.completeExceptionally(e);
            failAll(ApiError.internal("the model thread failed: " + e.getMessage()));
        } finally {
            stopped.complete(null);
        }
    }

    /** One throwaway step, so the first request does not pay for lazy native initialisation. */
    private static void warmUp(LoadedModel model, KvCache cache, BatchDecoder decoder) {
        int slot = cache.acquire();
        decoder.step(model.model().transformer(), cache, new int[] {slot}, new int[][] {{model.tokenizer().eosId()}}, Instrumentation.OFF);
        cache.release(slot);
    }

    private void loop(Step step) throws InterruptedException {
        while (!(draining && running.isEmpty() && waiting.isEmpty())) {
            if (draining && System.nanoTime() > drainDeadline) {
                failAll(ApiError.unavailable("the server shut down before the request finished"));
                break;
            }
            admit(step);
            dropCancelled();
            freeRetired();
            if (stats != null) {
                stats.tick(); // also while idle, so a window's sketch goes out on time
            }
            if (running.isEmpty()) {
                Sequence next = waiting.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (next != null) {
                    admitOne(step, next);
                    admitBurst(step);
                }
                continue;
            }
            runStep(step);
            runningCount = running.size();
        }
        runningCount = 0;
    }

    private void admit(Step step) throws InterruptedException {
        boolean idle = running.isEmpty();
        while (running.size() < maxBatch && !waiting.isEmpty()) {
            admitOne(step, waiting.poll());
        }
        if (idle && !running.isEmpty()) {
            admitBurst(step);
        }
    }

    /**
     * When nobody is decoding, admits the rest of a burst of arrivals before the first step.
     * Requests often come in bursts (clients whose requests finished together send their next ones
     * together, a few ms apart); a prefill that runs alone costs a forward of its own and leaves its
     * sequence a step out of line with the others for the rest of its decoding, so the next round
     * again starts with a lone prefill. Waits while arrivals keep coming at most
     * {@value #BURST_GAP_MS} ms apart, {@value #BURST_MAX_MS} ms in all: a lone request's first
     * token comes that much later, next to a prefill of tens of ms.
     */
    private void admitBurst(Step step) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BURST_MAX_MS);
        while (running.size() < maxBatch) {
            long left = Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(BURST_GAP_MS));
            Sequence next = left > 0 ? waiting.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            admitOne(step, next);
        }
    }

    private void admitOne(Step step, Sequence s) {
        if (s.cancelled()) {
            finish(s, RequestRecord.Outcome.CANCELLED);
            return;
        }
        PolicyTable.Features features =
                new PolicyTable.Features(s.sloClass(), PolicyTable.lengthBucket(s.prompt.length), signature.of(s.prompt));
        ModelVersion version = versions.current();
        s.admit(version, version.cache().acquire(), new Detokenizer(step.model.tokenizer()), features);
        s.chooseRung();
        running.add(s);
        runningCount = running.size();
    }

    private void dropCancelled() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled()) {
                it.remove();
                s.version().cache().release(s.slot());
                finish(s, RequestRecord.Outcome.CANCELLED);
            }
        }
    }

    /** Frees versions that were switched away from twice, once their last sequence is done. */
    private void freeRetired() {
        for (ModelVersion v : versions.takeRetired(v -> running.stream().anyMatch(s -> s.version() == v))) {
            LOG.info("freeing model version {}", v.id());
            v.close();
        }
    }

    private void runStep(Step step) {
        // Only the current version's rows are measured: one sketch holds one plan's unit order.
        ModelVersion current = versions.current();
        int measuredTokens = running.stream().filter(s -> s.version() == current).mapToInt(s -> s.feed().length).sum();
        SurgeRule rule = surge;
        int surgeRungs = rule == null ? 0 : rule.extraRungs(oldestAgeNanos());
        // a sampled step runs the current version at full width: never while a surge asks it to run sparser
        boolean surging = current.elastic() != null && current.elastic().selector().surges(surgeRungs);
        Instrumentation instrumentation = stats == null || surging ? Instrumentation.OFF
                : stats.forStep(step.model.model(), measuredTokens, current.elastic() == null ? null : current.id(),
                        current.elastic() != null && current.elastic().selector().defaultRung() > StepGroups.FULL);
        Map<StepGroups.Group, List<Sequence>> groups = StepGroups.of(running, instrumentation.active() ? current : null, surgeRungs);
        if (groups.keySet().stream().anyMatch(StepGroups.Group::surged)) {
            metrics.surgeStep();
        }
        List<Sequence> still = new ArrayList<>(running.size());
        groups.forEach((group, batch) -> still.addAll(runStep(step.decoder, group, batch,
                group.version() == current ? instrumentation : Instrumentation.OFF)));
        running.clear();
        running.addAll(still);
        reportFinished(still.isEmpty() && waiting.isEmpty());
    }

    /** How long the oldest request running or waiting has been in the system. */
    private long oldestAgeNanos() {
        long oldest = Long.MAX_VALUE;
        for (Sequence s : running) {
            oldest = Math.min(oldest, s.submittedNanos());
        }
        Sequence head = waiting.peek(); // the queue is first in, first out
        if (head != null) {
            oldest = Math.min(oldest, head.submittedNanos());
        }
        return oldest == Long.MAX_VALUE ? 0 : System.nanoTime() - oldest;
    }

    /** Reports the step's finished requests; @param idle nobody runs or waits, so a shadow profile now delays nobody */
    private void reportFinished(boolean idle) {
        for (Finished f : finishedThisStep) {
            RequestRecord sent = report(f.sequence(), f.outcome(), sampling != null, idle);
            idle &= sent == null || sent.shadow() == null; // one profile per idle moment: an arrival meanwhile waits for at most one
        }
        finishedThisStep.clear();
    }

    /** One decoder step for the sequences of one group. @return those that go on */
    private List<Sequence> runStep(BatchDecoder decoder, StepGroups.Group group, List<Sequence> batch, Instrumentation instrumentation) {
        ModelVersion version = group.version();
        int n = batch.size();
        int[] slots = new int[n];
        int[][] feeds = new int[n][];
        for (int i = 0; i < n; i++) {
            slots[i] = batch.get(i).slot();
            feeds[i] = batch.get(i).feed();
        }
        KvCache cache = version.cache();
        float[][] logits;
        try {
            logits = decoder.step(group.model(), cache, slots, feeds, instrumentation);
        } catch (RuntimeException e) {
            LOG.error("decode step failed for {} sequences on version {}", n, version.id(), e);
            for (Sequence s : batch) {
                cache.release(s.slot());
                s.sink().onError(ApiError.internal("decoding failed: " + e.getMessage()));
                finish(s, RequestRecord.Outcome.ERROR);
            }
            return List.of();
        }
        List<Sequence> still = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Sequence s = batch.get(i);
            boolean cacheFull = cache.length(s.slot()) + 1 >= cache.capacity();
            FinishReason reason = s.advance(logits[i], cacheFull, metrics);
            if (reason == null) {
                still.add(s);
            } else {
                cache.release(s.slot());
                s.sink().onFinish(reason, s.usage());
                finishedThisStep.add(new Finished(s, reason == FinishReason.STOP ? RequestRecord.Outcome.STOP : RequestRecord.Outcome.LENGTH));
            }
        }
        return still;
    }

    /** Reports a request that did not run to its end (cancelled or failed): never sampled. */
    private void finish(Sequence s, RequestRecord.Outcome outcome) {
        report(s, outcome, false, false);
    }

    /** @return the record sent, or null when building or sending it failed */
    private RequestRecord report(Sequence s, RequestRecord.Outcome outcome, boolean sampled, boolean idle) {
        try {
            RequestRecord record = s.record(modelName, outcome);
            RequestRecord sent = sampled ? sampling.sample(s, record, idle) : record;
            listener.onCompleted(sent);
            return sent;
        } catch (RuntimeException e) {
            LOG.warn("request listener failed", e);
            return null;
        }
    }

    private void failAll(ApiError error) {
        List<Sequence> all = new ArrayList<>(running);
        running.clear();
        waiting.drainTo(all);
        for (Sequence s : all) {
            s.sink().onError(error);
            finish(s, RequestRecord.Outcome.ERROR);
        }
    }

    /** A request that ran to its end in this step. */
    private record Finished(Sequence sequence, RequestRecord.Outcome outcome) {}

    /** What every decode step needs, fixed for the life of the loop. */
    private record Step(LoadedModel model, BatchDecoder decoder) {}
}
