package dev.arborist.serving;

import dev.arborist.events.Decision;
import dev.arborist.events.DecisionLog;
import dev.arborist.policies.plan.PlanArtifact;
import java.nio.file.Path;

/**
 * Puts what the admin API did to the served plan on {@code arborist.decisions}, like swaps that
 * came from the update topic: an operator reading the audit log sees both. Without Kafka there is
 * no log and nothing is written.
 */
final class AdminAudit implements AutoCloseable {
    static final AdminAudit NONE = new AdminAudit(null, null, null);

    private final DecisionLog log;
    private final String deployment;
    private final String replica;

    AdminAudit(DecisionLog log, String deployment, String replica) {
        this.log = log;
        this.deployment = deployment;
        this.replica = replica;
    }

    void swapped(String planId) {
        publish("swapped", planId, "admin API");
    }

    /** The plan id is the one its manifest names, or the directory when even that is unreadable. */
    void rejected(Path dir, String reason) {
        publish("swap-rejected", PlanArtifact.declaredId(dir).orElse(dir.toString()), "admin API: " + reason);
    }

    void rolledBack(String planId) {
        publish("rollback", planId, "admin API");
    }

    private void publish(String action, String planId, String reason) {
        if (log != null) {
            log.publish(Decision.swap(deployment, replica, action, planId, reason));
        }
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }
}
