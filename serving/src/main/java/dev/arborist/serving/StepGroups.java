package dev.arborist.serving;

import dev.arborist.model.nn.Transformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one scheduler step's sequences into forwards. Rows of one forward must run the same
 * weights at the same level, and are padded to the longest, so a prompt among one-token decode
 * rows would make every row pay for the prompt's length: one forward per (version, phase). Rows of
 * one version whose rungs differ share that forward at the densest rung any of them asks for: on
 * this hardware a second forward costs more than the sparser rows save (BENCHMARKS.md, "Mixed
 * rungs in one step"), and a row run denser than its class asks only gains quality. Each
 * sequence's rung is chosen afresh here, so a rung move reaches running sequences at their next
 * step (safe: every rung of a version shares its KV cache). A surge ({@link SurgeRule}) sets a floor under every
 * group's rung for the step: the whole step is what keeps the late requests waiting.
 */
final class StepGroups {
    /**
     * Rung 0 of every ladder is the dense level, i.e. the full permuted model
     * ({@code Ladder.requireFits}).
     */
    static final int FULL = 0;

    private StepGroups() {}

    /**
     * Sequences that share one forward.
     *
     * @param rung {@link ModelVersion#NO_RUNG} for a version without a ladder
     * @param surged whether a surge runs the group sparser than its rows asked
     */
    record Group(ModelVersion version, int rung, boolean prefill, boolean surged) {
        Transformer model() {
            return version.at(rung);
        }
    }

    private record Phase(ModelVersion version, boolean prefill) {}

    /** The rows of one phase and the densest rung any of them asks for. */
    private static final class Rows {
        final List<Sequence> sequences = new ArrayList<>();
        int densest = Integer.MAX_VALUE;

        void add(Sequence s) {
            sequences.add(s);
            densest = Math.min(densest, s.chooseRung());
        }
    }

    /**
     * @param measured the version whose rows feed the activation statistics this step, or null:
     *     its rows run at full width whatever their rung (see {@link Scheduler}), so the sketch
     *     sees every expert and channel, including those a sparse rung trims
     * @param surgeRungs how many rungs sparser than its base rung a surge asks each version to run this step (0: none)
     */
    static Map<Group, List<Sequence>> of(List<Sequence> running, ModelVersion measured, int surgeRungs) {
        Map<Phase, Rows> phases = new LinkedHashMap<>();
        for (Sequence s : running) {
            phases.computeIfAbsent(new Phase(s.version(), s.feed().length > 1), p -> new Rows()).add(s);
        }
        Map<Group, List<Sequence>> groups = new LinkedHashMap<>();
        phases.forEach((phase, rows) -> {
            boolean laddered = rows.densest != ModelVersion.NO_RUNG;
            int asked = laddered ? Math.max(rows.densest, phase.version().elastic().selector().surgeFloor(surgeRungs)) : rows.densest;
            rows.sequences.forEach(s -> s.ranAt(asked));
            int runAt = phase.version() == measured && laddered ? FULL : asked;
            groups.put(new Group(phase.version(), runAt, phase.prefill(), runAt > rows.densest), rows.sequences);
        });
        return groups;
    }
}
