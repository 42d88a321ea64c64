package dev.arborist.policies.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a {@link PolicyTable} from request outcomes. Rule: for each feature class, walk the rungs
 * sparser than the base, densest first. A rung with at least {@code minSamples} shadowed requests is
 * evidence: if their mean drop (dense minus level per-token log-likelihood, nats) is within the
 * tolerance the class tolerates it, and the first rung over tolerance ends the walk. Rungs without
 * evidence are stepped over (rungs are nested, so a sparser rung that is tolerated vouches for the
 * ones before it). The class gets the last tolerated rung; a class with none keeps the base rung.
 * Not thread-safe: one owner feeds and learns.
 */
public final class PolicyTableLearner {
    private final int minSamples;
    private final Map<PolicyTable.Features, TreeMap<Integer, Tally>> tallies = new HashMap<>();

    /** What one class saw at one rung. */
    private static final class Tally {
        long shadowed;
        double dropSum;
        long requests;
        double e2eSum;
    }

    /** @param minSamples shadowed requests a (class, rung) needs before its mean counts */
    public PolicyTableLearner(int minSamples) {
        if (minSamples < 1) {
            throw new IllegalArgumentException("min samples must be at least 1, got " + minSamples);
        }
        this.minSamples = minSamples;
    }

    public void observe(RequestOutcome outcome) {
        Tally t = tallies.computeIfAbsent(outcome.features(), f -> new TreeMap<>()).computeIfAbsent(outcome.rung(), r -> new Tally());
        t.requests++;
        t.e2eSum += outcome.e2eSeconds();
        if (outcome.shadowLogLikelihoodDrop() != null) {
            t.shadowed++;
            t.dropSum += outcome.shadowLogLikelihoodDrop();
        }
    }

    /** Forgets every outcome, e.g. after a rebuild changed what the rungs are. */
    public void clear() {
        tallies.clear();
    }

    /**
     * @param baseRung the rung classes without evidence run at
     * @param toleranceNatsPerToken the largest mean shadow drop a class may pay
     */
    public PolicyTable learn(int baseRung, List<Rung> ladder, double toleranceNatsPerToken) {
        if (baseRung < 0 || baseRung >= ladder.size()) {
            throw new IllegalArgumentException("base rung " + baseRung + " is not on a ladder of " + ladder.size() + " rungs");
        }
        if (!(toleranceNatsPerToken >= 0)) {
            throw new IllegalArgumentException("tolerance must be non-negative nats per token, got " + toleranceNatsPerToken);
        }
        List<PolicyTable.Entry> entries = new ArrayList<>();
        tallies.forEach((features, byRung) -> {
            PolicyTable.Entry e = tolerated(features, byRung, baseRung, ladder.size(), toleranceNatsPerToken);
            if (e != null) {
                entries.add(e);
            }
        });
        return new PolicyTable(baseRung, entries);
    }

    private PolicyTable.Entry tolerated(PolicyTable.Features f, TreeMap<Integer, Tally> byRung, int baseRung, int rungs, double tolerance) {
        PolicyTable.Entry best = null;
        for (Map.Entry<Integer, Tally> e : byRung.tailMap(baseRung, false).headMap(rungs).entrySet()) {
            Tally t = e.getValue();
            if (t.shadowed < minSamples) {
                continue;
            }
            double meanDrop = t.dropSum / t.shadowed;
            if (meanDrop > tolerance) {
                break;
            }
            best = new PolicyTable.Entry(f.sloClass(), f.lengthBucket(), f.signature(), e.getKey(), t.shadowed, meanDrop, t.e2eSum / t.requests);
        }
        return best;
    }
}
