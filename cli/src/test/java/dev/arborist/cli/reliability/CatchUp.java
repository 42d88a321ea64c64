package dev.arborist.cli.reliability;

import dev.arborist.agent.Agent;
import dev.arborist.agent.window.WindowStats;
import java.time.Instant;

/**
 * Whether the loop recovered after the broker came back: serving is connected and sends again,
 * the agent's consumer has no records left to read, and the agent counted requests that finished
 * after the restart in its control windows (so what it consumed is new traffic, not the backlog).
 */
final class CatchUp implements Await.Condition {
    private final Scrapes scrapes;
    private final Agent agent;
    private final double sentAtRestart;
    private final Instant restarted;
    private Scrapes.Telemetry telemetry;
    private double lag = Double.NaN;
    private double maxLag = Double.NaN;
    private long requestsCounted;

    CatchUp(Scrapes scrapes, Agent agent, double sentAtRestart, Instant restarted) {
        this.scrapes = scrapes;
        this.agent = agent;
        this.sentAtRestart = sentAtRestart;
        this.restarted = restarted;
    }

    @Override
    public boolean holds() throws Exception {
        if (!agent.alive()) {
            throw new AssertionError("the agent stopped", agent.failure());
        }
        telemetry = scrapes.telemetry();
        lag = scrapes.agentLag();
        maxLag = Double.isNaN(maxLag) ? lag : Math.max(maxLag, lag);
        requestsCounted = requestsCounted(agent, restarted);
        return telemetry.connected() == 1 && telemetry.sent() > sentAtRestart && lag == 0 && requestsCounted > 0;
    }

    /** The largest consumer lag seen while waiting, summed over the agent's topics. */
    double maxLag() {
        return maxLag;
    }

    /** Requests in the agent's closed windows that began at or after {@code since}. */
    static long requestsCounted(Agent agent, Instant since) {
        // windows are aligned to event time: one that starts after the restart holds only requests finished after it
        return agent.recentWindows().stream().filter(w -> !w.start().isBefore(since)).mapToLong(WindowStats::requests).sum();
    }

    @Override
    public String toString() {
        return String.format("(last seen: serving %s, sent at restart %.0f; agent lag %.0f records, requests counted since restart %d)",
                telemetry, sentAtRestart, lag, requestsCounted);
    }
}
