package dev.arborist.agent.state;

import dev.arborist.agent.control.DeploymentControl;
import dev.arborist.agent.publish.Outbox;
import dev.arborist.agent.window.DecayedTraffic;
import dev.arborist.agent.window.Windows;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent needs to resume where it stopped, as one snapshot.
 *
 * @param offsets next offset to apply per telemetry partition ("topic:partition"); the state
 *     below includes every record before them
 * @param windows the open control windows
 * @param traffic the decayed statistics of every sketch applied
 * @param prompts recent sampled prompts (token ids)
 * @param control plans announced, controller memory, drift reference, the publish being watched,
 *     the last sequence number used
 * @param outbox records decided but not yet known to be published
 */
public record AgentState(String schema, String deployment, Map<String, Long> offsets, Windows.State windows, DecayedTraffic.State traffic,
                         List<int[]> prompts, DeploymentControl.ControlState control, Outbox outbox) {
    public static final String SCHEMA = "arborist.agent-state.v1";
}
