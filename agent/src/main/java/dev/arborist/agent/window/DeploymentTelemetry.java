package dev.arborist.agent.window;

import dev.arborist.agent.consume.Telemetry;
import dev.arborist.events.StatsSketch;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Everything the agent keeps of a deployment's telemetry: the control windows (requests), the
 * lifelong decayed statistics and this window's statistics (sketches), recent prompts and the
 * evidence for the per-input policy (shadow profiles). One
 * entry point per event, so the consumer loop only routes. Consumer thread only.
 */
public final class DeploymentTelemetry {
    private final TrafficShape shape;
    private final Windows windows;
    private final DecayedTraffic traffic;
    private final WindowTraffic recent;
    private final PromptSample prompts;
    private final InputEvidence inputs = new InputEvidence();
    private final Function<String, UnitOrder> orders;

    /** @param orders the unit order of a plan id this agent published; null for a plan it does not know */
    public DeploymentTelemetry(TrafficShape shape, Windows windows, DecayedTraffic traffic, PromptSample prompts,
                               Function<String, UnitOrder> orders) {
        this.shape = shape;
        this.windows = windows;
        this.traffic = traffic;
        this.recent = new WindowTraffic(shape);
        this.prompts = prompts;
        this.orders = orders;
    }

    /** @return null when applied, else why it was skipped (a label of the skipped-events counter) */
    public String apply(Telemetry t, Instant now) {
        if (t instanceof Telemetry.Request r) {
            return request(r, now);
        }
        if (t instanceof Telemetry.Stats s) {
            return stats(s);
        }
        return ((Telemetry.Skip) t).reason();
    }

    private String request(Telemetry.Request r, Instant now) {
        prompts.add(r.event().promptTokenIds()); // recent traffic for the shadow check, late or not
        inputs.add(r.event()); // what each rung costs each input class, late or not
        return windows.add(r.event(), r.finished(), now) ? null : "late";
    }

    private String stats(Telemetry.Stats s) {
        StatsSketch sketch = s.sketch();
        UnitOrder order = sketch.planId() == null ? UnitOrder.identity(shape, 1) : orders.apply(sketch.planId());
        if (order == null) {
            return "unknown_plan";
        }
        try {
            SketchShapes.check(sketch, shape, true); // before mapping: the mapping cannot see what it would cut off
            StatsSketch base = order.toBase(sketch);
            traffic.add(base, s.windowEnd());
            recent.add(base);
            return null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return "malformed";
        }
    }

    /** Closes the windows that are due; the per-window statistics start afresh with each close. */
    public List<WindowStats> closeDue(Instant now) {
        return windows.closeDue(now);
    }

    public Windows windows() {
        return windows;
    }

    public DecayedTraffic traffic() {
        return traffic;
    }

    /** Statistics of the sketches since the last {@link #resetRecent()}. */
    public WindowTraffic recent() {
        return recent;
    }

    public void resetRecent() {
        recent.reset();
    }

    public PromptSample prompts() {
        return prompts;
    }

    public InputEvidence inputs() {
        return inputs;
    }
}
