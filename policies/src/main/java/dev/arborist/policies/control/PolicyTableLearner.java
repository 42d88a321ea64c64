package dev.arborist.policies.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a {@link PolicyTable} from request outcomes. A shadowed request says what every scored rung
 * would cost it (the rung's mean divergence from dense over its continuation, nats per token), so
 * evidence for a rung comes from requests that ran anywhere. A class tolerates a rung when, over at
 * least {@code minSamples} shadowed requests, that cost is within the tolerance with confidence: its
 * mean plus {@value #STANDARD_ERRORS} standard errors (about 97.5% one-sided). The class gets the
 * sparsest rung beyond the base it tolerates: rungs are nested, so a tolerated sparser rung vouches
 * for denser ones whose estimate came out high by chance. A class tolerating none keeps the base rung.
 *
 * <p>Every request counts twice: for its full class (SLO class, length bucket, expert-usage
 * signature) and for its coarse class (no signature), so a signature too rare to have evidence of
 * its own still follows its coarse class ({@link PolicyTable#rungFor}). Not thread-safe: one owner
 * feeds and learns.
 */
public final class PolicyTableLearner {
    /** How many standard errors above the mean cost must still be within the tolerance. */
    static final double STANDARD_ERRORS = 2.0;

    private final int minSamples;
    private final Map<PolicyTable.Features, TreeMap<Integer, Tally>> tallies = new HashMap<>();

    /** What one class saw at one rung. */
    private static final class Tally {
        long shadowed;
        double dropSum;
        double dropSquares;
        long requests;
        double e2eSum;

        double meanDrop() {
            return dropSum / shadowed;
        }

        /** The mean cost plus {@link #STANDARD_ERRORS} standard errors of it (sample variance). */
        double upperDrop() {
            double mean = meanDrop();
            double variance = shadowed < 2 ? 0 : Math.max(0, (dropSquares - shadowed * mean * mean) / (shadowed - 1));
            return mean + STANDARD_ERRORS * Math.sqrt(variance / shadowed);
        }
    }

    /** @param minSamples shadowed requests a (class, rung) needs before its cost counts */
    public PolicyTableLearner(int minSamples) {
        if (minSamples < 2) {
            throw new IllegalArgumentException("min samples must be at least 2 (a spread needs two), got " + minSamples);
        }
        this.minSamples = minSamples;
    }

    public void observe(RequestOutcome outcome) {
        PolicyTable.Features full = outcome.features();
        tally(full, outcome);
        if (full.signature() != null) {
            tally(new PolicyTable.Features(full.sloClass(), full.lengthBucket(), null), outcome);
        }
    }

    private void tally(PolicyTable.Features features, RequestOutcome outcome) {
        TreeMap<Integer, Tally> byRung = tallies.computeIfAbsent(features, f -> new TreeMap<>());
        Tally ran = byRung.computeIfAbsent(outcome.rung(), r -> new Tally());
        ran.requests++;
        ran.e2eSum += outcome.e2eSeconds();
        outcome.shadowCosts().forEach((rung, drop) -> {
            Tally t = byRung.computeIfAbsent(rung, r -> new Tally());
            t.shadowed++;
            t.dropSum += drop;
            t.dropSquares += drop * drop;
        });
    }

    /** Forgets every outcome, e.g. after a rebuild changed what the rungs are. */
    public void clear() {
        tallies.clear();
    }

    /**
     * @param baseRung the rung classes without evidence run at
     * @param toleranceNatsPerToken the largest cost (mean per-token log-likelihood drop) a class may pay, with confidence
     */
    public PolicyTable learn(int baseRung, List<Rung> ladder, double toleranceNatsPerToken) {
        if (baseRung < 0 || baseRung >= ladder.size()) {
            throw new IllegalArgumentException("base rung " + baseRung + " is not on a ladder of " + ladder.size() + " rungs");
        }
        if (!(toleranceNatsPerToken >= 0)) {
            throw new IllegalArgumentException("tolerance must be non-negative nats per token, got " + toleranceNatsPerToken);
        }
        Map<PolicyTable.Features, PolicyTable.Entry> learned = new HashMap<>();
        tallies.forEach((features, byRung) -> {
            PolicyTable.Entry e = sparsestTolerated(features, byRung, baseRung, ladder.size(), toleranceNatsPerToken);
            if (e != null) {
                learned.put(features, e);
            }
        });
        // a signature's entry that routes like its coarse class says nothing the coarse entry does not
        List<PolicyTable.Entry> entries = new ArrayList<>();
        learned.forEach((features, e) -> {
            PolicyTable.Entry coarse = learned.get(new PolicyTable.Features(features.sloClass(), features.lengthBucket(), null));
            int coarseRung = coarse == null ? baseRung : coarse.rung();
            if (features.signature() == null || e.rung() != coarseRung) {
                entries.add(e);
            }
        });
        return new PolicyTable(baseRung, entries);
    }

    private PolicyTable.Entry sparsestTolerated(PolicyTable.Features f, TreeMap<Integer, Tally> byRung, int baseRung, int rungs,
                                                double tolerance) {
        for (Map.Entry<Integer, Tally> e : byRung.subMap(baseRung, false, rungs, false).descendingMap().entrySet()) {
            Tally t = e.getValue();
            if (t.shadowed >= minSamples && t.upperDrop() <= tolerance) {
                return new PolicyTable.Entry(f.sloClass(), f.lengthBucket(), f.signature(), e.getKey(), t.shadowed, t.meanDrop(),
                        t.requests == 0 ? null : t.e2eSum / t.requests);
            }
        }
        return null;
    }
}
