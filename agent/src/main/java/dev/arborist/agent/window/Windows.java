package dev.arborist.agent.window;

import dev.arborist.events.RequestEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tumbling control windows over event time, closed by the wall clock. A request belongs to the
 * window holding the instant it finished (windows are aligned to multiples of the length since the
 * epoch, so every replica and a restarted agent agree on them). A window closes once the wall
 * clock is a grace period past its end, leaving time for events still in flight; an event for a
 * window already closed is late and not counted. Consumer thread only.
 */
public final class Windows {
    // Empty windows are reported only this far back: after a long pause the loop needs the latest
    // state, not a burst of empty windows.
    private static final int MAX_EMPTY_REPORTED = 3;

    private final long lengthMs;
    private final long graceMs;
    private final TreeMap<Long, RequestWindow> open = new TreeMap<>();
    private long closedUpTo; // epoch ms: every window ending at or before this is closed

    /** A fresh aggregator: windows that ended before {@code now} count as closed. */
    public Windows(Duration length, Instant now) {
        this(length, alignDown(now.toEpochMilli(), length.toMillis()));
    }

    private Windows(Duration length, long closedUpTo) {
        if (length.toMillis() < 100) {
            throw new IllegalArgumentException("the window length must be at least 100 ms, got " + length);
        }
        this.lengthMs = length.toMillis();
        // A quarter of the window, at most 5 s: serving's telemetry buffer and Kafka deliver within that.
        this.graceMs = Math.min(lengthMs / 4, 5_000);
        this.closedUpTo = closedUpTo;
    }

    public Duration length() {
        return Duration.ofMillis(lengthMs);
    }

    /**
     * Counts a request in its window. A clock running ahead cannot open windows in the future: such
     * events count in the window of {@code now}.
     *
     * @return false when the event is late (its window is closed) and was not counted
     */
    public boolean add(RequestEvent event, Instant finished, Instant now) {
        long at = Math.min(finished.toEpochMilli(), now.toEpochMilli());
        long start = alignDown(at, lengthMs);
        if (start < closedUpTo) {
            return false;
        }
        open.computeIfAbsent(start, s -> new RequestWindow(Instant.ofEpochMilli(s), Instant.ofEpochMilli(s + lengthMs))).add(event);
        return true;
    }

    /** Closes every window whose grace period has passed, oldest first. */
    public List<WindowStats> closeDue(Instant now) {
        long closable = alignDown(now.toEpochMilli() - graceMs, lengthMs); // windows ending at or before this close
        TreeSet<Long> starts = new TreeSet<>(open.headMap(closable - lengthMs, true).keySet());
        for (long s = Math.max(closedUpTo, closable - MAX_EMPTY_REPORTED * lengthMs); s + lengthMs <= closable; s += lengthMs) {
            starts.add(s);
        }
        List<WindowStats> closed = new ArrayList<>();
        for (long start : starts) {
            RequestWindow w = open.remove(start);
            closed.add((w != null ? w : new RequestWindow(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + lengthMs))).close());
        }
        closedUpTo = Math.max(closedUpTo, closable);
        return closed;
    }

    private static long alignDown(long epochMs, long lengthMs) {
        return Math.floorDiv(epochMs, lengthMs) * lengthMs;
    }

    public State state() {
        Map<Long, RequestWindow.State> windows = new TreeMap<>();
        open.forEach((start, w) -> windows.put(start, w.state()));
        return new State(lengthMs, closedUpTo, windows);
    }

    /**
     * Restores windows from a snapshot. With another window length (the agent was reconfigured)
     * the open windows are dropped: their sums do not split into the new windows.
     */
    public static Windows restore(Duration length, State s, Instant now) {
        if (s == null || s.lengthMs != length.toMillis()) {
            return new Windows(length, now);
        }
        Windows w = new Windows(length, s.closedUpTo);
        s.open.forEach((start, state) -> w.open.put(start, RequestWindow.restore(Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(start + s.lengthMs), state)));
        return w;
    }

    /** The open windows as plain data, for the agent's snapshot. */
    public record State(long lengthMs, long closedUpTo, Map<Long, RequestWindow.State> open) {
    }
}
