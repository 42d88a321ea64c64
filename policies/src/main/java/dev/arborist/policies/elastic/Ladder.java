package dev.arborist.policies.elastic;

import dev.arborist.model.config.ModelConfig;
import java.util.List;

/**
 * Levels of one elastic model from dense to the sparsest allowed: rung 0 is the dense model, each
 * later rung has a larger perplexity budget and a lower estimated cost. Serving picks a rung per
 * request.
 */
public record Ladder(List<Rung> rungs) {

    public Ladder {
        rungs = List.copyOf(rungs);
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs at least the dense rung");
        }
        for (int i = 0; i < rungs.size(); i++) {
            Rung r = rungs.get(i);
            if (r.index() != i) {
                throw new IllegalArgumentException("rung " + i + " has index " + r.index() + "; rungs must be numbered 0, 1, 2...");
            }
            if (i > 0 && !(r.relativeCost() < rungs.get(i - 1).relativeCost())) {
                throw new IllegalArgumentException("rung " + i + " costs " + r.relativeCost() + ", not less than rung " + (i - 1)
                        + "'s " + rungs.get(i - 1).relativeCost() + "; rungs go from dense to sparsest");
            }
        }
    }

    public Rung rung(int index) {
        if (index < 0 || index >= rungs.size()) {
            throw new IllegalArgumentException("no rung " + index + "; this ladder has rungs 0.." + (rungs.size() - 1));
        }
        return rungs.get(index);
    }

    public int size() {
        return rungs.size();
    }

    /** @throws IllegalArgumentException unless rung 0 is dense and every level fits the model */
    public Ladder requireFits(ModelConfig config) {
        if (!rungs.get(0).level().isDense(config)) {
            throw new IllegalArgumentException("rung 0 must be the dense level, got " + rungs.get(0).level().describe());
        }
        for (Rung r : rungs) {
            try {
                r.level().requireFits(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rung " + r.index() + ": " + e.getMessage(), e);
            }
        }
        return this;
    }
}
