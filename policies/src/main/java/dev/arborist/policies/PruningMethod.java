package dev.arborist.policies;

import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;

/**
 * Every pruning method, unstructured or structured, behind one interface: dense model +
 * calibration data (offline text or live-traffic statistics) + request in, plan out. A method never
 * modifies the model it is given.
 */
public interface PruningMethod {

    /** The name used on the command line and in manifests, e.g. "wanda". */
    String name();

    PruningPlan plan(PruningTarget target, CalibrationSet calibration, PruningProgress progress);
}
