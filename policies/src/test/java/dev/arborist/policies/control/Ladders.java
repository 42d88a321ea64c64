package dev.arborist.policies.control;

import java.util.List;

/** Ladders and specs shared by the controller tests. */
final class Ladders {
    /** Five rungs; with a 10% budget rung 4 (ratio 1.25) is out of reach. */
    static final List<Rung> FIVE = List.of(new Rung(0, 1.00, 1.00), new Rung(1, 1.03, 1.25), new Rung(2, 1.06, 1.50),
            new Rung(3, 1.09, 1.80), new Rung(4, 1.25, 2.40));
    /** Two rungs far apart: dense p95 just over a target is well under the headroom line one rung down. */
    static final List<Rung> WIDE_GAP = List.of(new Rung(0, 1.00, 1.00), new Rung(1, 1.04, 1.60));

    /** e2e p95 <= 1 s, +10% perplexity, every other knob at its default (30 s cool-down, 10 s windows in the tests). */
    static final SloSpec E2E_1S = SloSpec.builder("chat").e2eP95Seconds(1.0).qualityBudget(0.10).build();

    private Ladders() {
    }
}
