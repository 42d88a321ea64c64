package dev.arborist.agent.window;

import dev.arborist.events.RequestEvent;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.control.PolicyTableLearner;
import dev.arborist.policies.control.RequestOutcome;
import dev.arborist.policies.control.Rung;
import java.util.List;
import java.util.Map;

/**
 * What the requests of the plan served now say about which input classes tolerate which rung:
 * the evidence the per-input policy table is learned from. Each shadow-profiled request scored its
 * continuation under every rung, so it is evidence for all of them whichever rung it ran at. Only
 * requests of the plan followed count. Evidence outlives a rebuild: rung i of every ladder the agent
 * builds is the cheapest level within the same quality budget, learned from traffic of the same
 * deployment, so what a class paid at rung i of the old plan is what it is expected to pay at rung i
 * of the new one, until the new plan's own profiles say otherwise. Not snapshotted: after a restart
 * the evidence is gathered again (the table already announced stays in force). Consumer thread only.
 */
public final class InputEvidence {
    /** Profiled requests a (class, rung) needs before its mean drop counts. */
    public static final int MIN_SAMPLES = 8;

    private final PolicyTableLearner learner = new PolicyTableLearner(MIN_SAMPLES);
    private String planId;
    private long profiled;

    /** Gathers evidence from the requests of {@code plan} from now on. */
    public void follow(String plan) {
        planId = plan;
    }

    void add(RequestEvent e) {
        if (planId == null || !planId.equals(e.planId()) || e.rung() == null || e.features() == null) {
            return; // another plan's ladder, no ladder, or a request that never reached the model
        }
        RequestEvent.Shadow shadow = e.shadow();
        // profiles without divergences (older servers) count as requests only: a log-likelihood drop on a sampled
        // continuation favours flatter rungs, so it is no cost estimate
        Map<Integer, Double> costs = shadow == null || shadow.rungDivergences() == null ? null
                : RequestOutcome.costsFrom(shadow.rungDivergences());
        if (costs != null) {
            profiled++;
        }
        RequestEvent.Features f = e.features();
        learner.observe(new RequestOutcome(f.sloClass(), f.lengthBucket(), f.signature(), e.rung(), costs, e.e2eSeconds()));
    }

    /** Shadow-profiled requests so far. */
    public long profiled() {
        return profiled;
    }

    /** The table the evidence supports on the followed plan's ladder: classes sent sparser only where it costs at most the tolerance. */
    public PolicyTable learn(List<Rung> ladder, double toleranceNats) {
        return learner.learn(0, ladder, toleranceNats);
    }
}
