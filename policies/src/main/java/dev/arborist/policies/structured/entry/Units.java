package dev.arborist.policies.structured.entry;

import java.util.List;

/** Checks and converts the unit lists that structured entries hold. */
final class Units {
    private Units() {}

    /** @return an immutable copy; kept units must be non-empty and strictly increasing (the canonical order) */
    static List<Integer> ascending(List<Integer> kept, String what) {
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(what + ": at least one unit must be kept");
        }
        for (int i = 1; i < kept.size(); i++) {
            if (kept.get(i) <= kept.get(i - 1)) {
                throw new IllegalArgumentException(what + ": kept units must be strictly increasing, got " + kept);
            }
        }
        return List.copyOf(kept);
    }

    static int[] toArray(List<Integer> units) {
        return units.stream().mapToInt(Integer::intValue).toArray();
    }
}
