package dev.arborist.agent.publish;

/**
 * A record the agent has decided to publish but has not yet seen acknowledged: it sits in the
 * snapshot's outbox until it is.
 *
 * @param sequence the decision's sequence number, which the value carries too
 */
public record Pending(String topic, String key, String value, long sequence) {
}
