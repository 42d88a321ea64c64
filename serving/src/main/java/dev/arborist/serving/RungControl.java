package dev.arborist.serving;

import dev.arborist.policies.control.PolicyTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the served elastic plan along its ladder without reloading anything: the agent announces
 * the plan it already serves at another rung, and the version's base rung changes in place. New
 * admissions and running sequences (at their next decode step) follow; no swap happens, so only
 * {@code arborist_rung_changes_total} counts it. The per-input policy table that comes with an
 * announcement is applied the same way. Any thread may call it.
 */
final class RungControl {
    private static final Logger LOG = LoggerFactory.getLogger(RungControl.class);

    private final Scheduler scheduler;
    private final ServingMetrics metrics;

    RungControl(Scheduler scheduler, ServingMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /**
     * @param planId the plan the move is for; it must be the one served
     * @return the base rung before the move; null when nothing changed: already there, or the
     *     version has no ladder (a rung means nothing to it)
     * @throws IllegalArgumentException if {@code planId} is not served or {@code rung} is not on its ladder
     */
    Integer moveBaseRung(String planId, int rung) {
        ElasticVersion elastic = servedElastic(planId);
        if (elastic == null) {
            return null;
        }
        int before = elastic.selector().moveBaseRung(rung);
        if (before == rung) {
            return null;
        }
        metrics.rungChanged();
        LOG.info("plan {} now at base rung {} (was {}): {}", planId, rung, before, elastic.level(rung).describe());
        return before;
    }

    /**
     * Replaces the per-input policy table of the plan served (null: every request at the base rung).
     *
     * @return whether the table changed; false too when the version has no ladder
     * @throws IllegalArgumentException if {@code planId} is not served or the table does not fit its ladder
     */
    boolean policy(String planId, PolicyTable table) {
        ElasticVersion elastic = servedElastic(planId);
        if (elastic == null) {
            return false;
        }
        boolean changed = elastic.selector().policy(table == null ? RungSelector.allAtBase() : table);
        if (changed) {
            LOG.info("plan {} now follows the policy table {}", planId, table == null ? "(none)" : table);
        }
        return changed;
    }

    /**
     * @return the elastic side of the version served, null when it has no ladder
     * @throws IllegalArgumentException if {@code planId} is not the plan served
     */
    private ElasticVersion servedElastic(String planId) {
        ModelVersion current = current();
        if (!current.id().equals(planId)) {
            throw new IllegalArgumentException("plan " + planId + " is not the one served (" + current.id() + ")");
        }
        return current.elastic();
    }

    /** The version now served, whatever kind. @throws ApiError 503 while the model loads */
    ModelVersion current() {
        ModelVersions versions = scheduler.versions();
        if (versions == null) {
            throw ApiError.unavailable("the model is not loaded yet");
        }
        return versions.current();
    }
}
