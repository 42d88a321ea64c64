package dev.arborist.serving;

import dev.arborist.model.nn.Transformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one scheduler step's sequences into forwards. Rows of one forward must run the same
 * weights at the same level, and are padded to the longest, so a prompt among one-token decode
 * rows would make every row pay for the prompt's length: one forward per (version, rung, phase).
 * Each sequence's rung is chosen afresh here, so a rung move reaches running sequences at their
 * next step (safe: every rung of a version shares its KV cache).
 */
final class StepGroups {
    /**
     * Rung 0 of every ladder is the dense level, i.e. the full permuted model
     * ({@code Ladder.requireFits}).
     */
    static final int FULL = 0;

    private StepGroups() {}

    /** Sequences that share one forward. @param rung {@link ModelVersion#NO_RUNG} for a version without a ladder */
    record Group(ModelVersion version, int rung, boolean prefill) {
        Transformer model() {
            return version.at(rung);
        }
    }

    /**
     * @param measured the version whose rows feed the activation statistics this step, or null:
     *     its rows run at full width whatever their rung (see {@link Scheduler}), so the sketch
     *     sees every expert and channel, including those a sparse rung trims
     */
    static Map<Group, List<Sequence>> of(List<Sequence> running, ModelVersion measured) {
        Map<Group, List<Sequence>> groups = new LinkedHashMap<>();
        for (Sequence s : running) {
            int rung = s.chooseRung();
            int runAt = s.version() == measured && rung != ModelVersion.NO_RUNG ? FULL : rung;
            groups.computeIfAbsent(new Group(s.version(), runAt, s.feed().length > 1), g -> new ArrayList<>()).add(s);
        }
        return groups;
    }
}
