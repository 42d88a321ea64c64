package dev.arborist.agent.plan;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a build that is not urgent between its steps while the deployment has no spare capacity: the
 * control loop allows it only in calm windows, dense with headroom (headroom on a sparse rung was
 * bought with quality). Where the agent shares cores with serving, a build takes them from requests: in
 * the control bench a calibration plan's replacement, started in one calm window just as the load
 * doubled, ran for 34 s beside serving instead of about 6 s alone, and the sparsest rung missed its SLO
 * meanwhile (BENCHMARKS.md, "Session 14"); allowed in every window with headroom, one ran on for 72 s
 * beside the doubled load ("Session 16"). Urgent builds (a first plan, a drift rebuild) are never held.
 */
public final class BuildPacer {
    private static final Logger LOG = LoggerFactory.getLogger(BuildPacer.class);

    private boolean go = true;
    private boolean closed;
    private boolean holding;
    private long heldNanos;

    /** Set by the control loop once per window: whether a build that is not urgent may run now. */
    public synchronized void allow(boolean spare) {
        go = spare;
        notifyAll();
    }

    /** Called by the build between its steps: returns at once while allowed, else waits until allowed or closed. */
    synchronized void checkpoint() {
        if (go || closed) {
            return;
        }
        long start = System.nanoTime();
        try {
            holding = true;
            while (!go && !closed) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            holding = false;
            long held = System.nanoTime() - start;
            heldNanos += held;
            LOG.info("build held {} ms while the deployment had no spare capacity", TimeUnit.NANOSECONDS.toMillis(held));
        }
    }

    /** Whether a build waits at a checkpoint now. */
    public synchronized boolean holding() {
        return holding;
    }

    /** Total time builds have been held so far. */
    public synchronized long heldMillis() {
        return TimeUnit.NANOSECONDS.toMillis(heldNanos);
    }

    /** Lets every held build go on for good: a stopping agent waits for its build to finish. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
