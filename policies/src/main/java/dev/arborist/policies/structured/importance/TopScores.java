package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Keeps the units with the highest scores; ties go to the lower index. */
public record TopScores(ImportanceCriterion criterion) implements UnitSelector {

    @Override
    public int[] keep(PruningGroup group, int count) {
        if (count < 1 || count > group.units()) {
            throw new IllegalArgumentException("cannot keep " + count + " of " + group.units() + " units");
        }
        int[] kept = Arrays.copyOf(ranking(group), count);
        Arrays.sort(kept);
        return kept;
    }

    /**
     * Every unit, most important first: as a permutation (see GroupSurgery.permute) it puts the
     * units in importance order, so each pruning level is a prefix of the same weights.
     */
    public int[] ranking(PruningGroup group) {
        double[] s = criterion.scores(group);
        if (s.length != group.units()) {
            throw new IllegalStateException("criterion gave " + s.length + " scores for " + group.units() + " units");
        }
        return IntStream.range(0, s.length).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -s[u]).thenComparingInt(u -> u))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
