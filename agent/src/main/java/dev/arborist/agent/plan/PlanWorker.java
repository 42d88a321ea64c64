package dev.arborist.agent.plan;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs plan builds on threads of their own, one build at a time, so the control loop keeps
 * consuming (and its offsets keep moving) during a build that takes minutes. The loop submits and
 * later collects the result; it never waits. Urgent builds run at normal CPU priority; the others
 * on a thread of lowered priority ({@link BackgroundPriority}), paced by {@link BuildPacer}.
 */
public final class PlanWorker implements AutoCloseable {
    private final PlanBuilder builder;
    private final ExecutorService urgent = Executors.newSingleThreadExecutor(r -> thread(r, "arborist-agent-plan-builder"));
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> thread(() -> {
        BackgroundPriority.lowerCurrentThread(); // before its first tensor op starts the native threads that inherit it
        r.run();
    }, "arborist-agent-background-builder"));
    private final AtomicReference<Future<BuildResult>> running = new AtomicReference<>();
    private final BuildPacer pacer = new BuildPacer();

    public PlanWorker(PlanBuilder builder) {
        this.builder = builder;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true); // a build in progress must not keep a stopping JVM alive
        return t;
    }

    /** Where the control loop says whether builds that are not urgent may run now. */
    public BuildPacer pacer() {
        return pacer;
    }

    public boolean busy() {
        return running.get() != null;
    }

    public boolean canBuildWithoutTraffic() {
        return builder.canBuildWithoutTraffic();
    }

    public long calibrationTokens() {
        return builder.calibrationTokens();
    }

    /** @throws IllegalStateException when a build is already running */
    public void submit(BuildRequest request) {
        if (busy()) {
            throw new IllegalStateException("a plan build is already running");
        }
        running.set(request.urgent() ? urgent.submit(() -> builder.build(request, () -> { }))
                : background.submit(() -> builder.build(request, pacer::checkpoint)));
    }

    /** The finished build's result, once; null while none has finished. */
    public BuildResult poll() {
        Future<BuildResult> f = running.get();
        if (f == null || !f.isDone()) {
            return null;
        }
        running.set(null);
        try {
            return f.get();
        } catch (Exception e) { // builder.build catches its own failures; this is an interrupted or cancelled build
            throw new IllegalStateException("plan build ended abnormally", e);
        }
    }

    /**
     * Stops taking builds and waits for a running one to finish (a build is not interruptible: it
     * runs native code over the base model's weights).
     *
     * @return whether the worker is idle, so the model may be freed
     */
    public boolean closeAndWait(Duration timeout) {
        pacer.close();
        urgent.shutdown();
        background.shutdown();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return urgent.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    && background.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        closeAndWait(Duration.ofMinutes(5));
    }
}
