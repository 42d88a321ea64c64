package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;

/** Picks which units of a group survive: by score ({@link TopScores}) or by a search over subsets. */
@FunctionalInterface
public interface UnitSelector {

    /** @return {@code count} distinct unit indices, strictly increasing */
    int[] keep(PruningGroup group, int count);
}
