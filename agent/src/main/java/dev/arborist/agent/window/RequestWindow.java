package dev.arborist.agent.window;

import dev.arborist.events.RequestEvent;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The request events of one control window, from any replica, summed as they arrive. */
public final class RequestWindow {
    private static final double P95 = 0.95;

    private final Instant start;
    private final Instant end;
    private final LatencyHistogram ttft;
    private final LatencyHistogram itl;
    private final LatencyHistogram e2e;
    private final LatencyHistogram queue;
    private final Map<Integer, Long> rungs;
    private final Map<String, Long> plans;
    private final Map<String, Long> sloClasses;
    private final Map<String, Long> lengthBuckets;
    private final Set<String> replicas;
    private long requests;
    private long promptTokens;
    private long completionTokens;
    private long shadowTokens;
    private double shadowGap; // sum over shadow tokens of (level - dense) log-likelihood

    RequestWindow(Instant start, Instant end) {
        this(start, end, new State(0, 0, 0, 0, 0, hist(), hist(), hist(), hist(), Map.of(), Map.of(), Map.of(), Map.of(), Set.of()));
    }

    private RequestWindow(Instant start, Instant end, State s) {
        this.start = start;
        this.end = end;
        this.requests = s.requests;
        this.promptTokens = s.promptTokens;
        this.completionTokens = s.completionTokens;
        this.shadowTokens = s.shadowTokens;
        this.shadowGap = s.shadowGap;
        this.ttft = s.ttft.histogram();
        this.itl = s.itl.histogram();
        this.e2e = s.e2e.histogram();
        this.queue = s.queue.histogram();
        this.rungs = new TreeMap<>(s.rungs);
        this.plans = new TreeMap<>(s.plans);
        this.sloClasses = new TreeMap<>(s.sloClasses);
        this.lengthBuckets = new TreeMap<>(s.lengthBuckets);
        this.replicas = new HashSet<>(s.replicas);
    }

    void add(RequestEvent e) {
        requests++;
        promptTokens += e.promptTokens();
        completionTokens += e.completionTokens();
        record(ttft, e.ttftSeconds());
        record(itl, e.interTokenSeconds());
        record(e2e, e.e2eSeconds());
        record(queue, e.queueSeconds());
        rungs.merge(e.controlRung(), 1L, Long::sum); // the base rung: what the controller set, whatever the policy table did
        plans.merge(e.planId() == null ? WindowStats.DENSE : e.planId(), 1L, Long::sum);
        RequestEvent.Features f = e.features();
        sloClasses.merge(f == null || f.sloClass() == null ? "default" : f.sloClass(), 1L, Long::sum);
        lengthBuckets.merge(f == null || f.lengthBucket() == null ? "none" : f.lengthBucket(), 1L, Long::sum);
        if (e.replica() != null) {
            replicas.add(e.replica());
        }
        RequestEvent.Shadow s = e.shadow();
        if (s != null && s.tokens() > 0 && Double.isFinite(s.levelLogLikelihood()) && Double.isFinite(s.denseLogLikelihood())) {
            shadowTokens += s.tokens();
            shadowGap += s.tokens() * (s.levelLogLikelihood() - s.denseLogLikelihood());
        }
    }

    private static void record(LatencyHistogram h, Double seconds) {
        if (seconds != null && seconds >= 0 && Double.isFinite(seconds)) {
            h.record(seconds);
        }
    }

    WindowStats close() {
        return new WindowStats(start, end, requests, replicas.size(), promptTokens, completionTokens, p95(ttft), p95(itl), p95(e2e),
                p95(queue), rungs, plans, sloClasses, lengthBuckets, shadowTokens, shadowTokens == 0 ? null : Math.exp(shadowGap / shadowTokens));
    }

    private static Double p95(LatencyHistogram h) {
        return h.count() == 0 ? null : h.quantile(P95);
    }

    State state() {
        return new State(requests, promptTokens, completionTokens, shadowTokens, shadowGap, Hist.of(ttft), Hist.of(itl), Hist.of(e2e),
                Hist.of(queue), rungs, plans, sloClasses, lengthBuckets, replicas);
    }

    static RequestWindow restore(Instant start, Instant end, State s) {
        return new RequestWindow(start, end, s);
    }

    private static Hist hist() {
        return new Hist(Map.of(), 0);
    }

    /** A window's sums as plain data, for the agent's snapshot. */
    public record State(long requests, long promptTokens, long completionTokens, long shadowTokens, double shadowGap, Hist ttft, Hist itl,
            Hist e2e, Hist queue, Map<Integer, Long> rungs, Map<String, Long> plans, Map<String, Long> sloClasses,
            Map<String, Long> lengthBuckets,
            Set<String> replicas) {
    }

    /** A histogram as plain data. */
    public record Hist(Map<Integer, Long> buckets, long zeros) {
        static Hist of(LatencyHistogram h) {
            return new Hist(h.buckets(), h.zeros());
        }

        LatencyHistogram histogram() {
            return LatencyHistogram.of(buckets, zeros);
        }
    }
}
