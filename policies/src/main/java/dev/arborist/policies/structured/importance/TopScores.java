package dev.arborist.policies.structured.importance;

import dev.arborist.policies.structured.PruningGroup;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Keeps the units with the highest scores; ties go to the lower index. */
public record TopScores(ImportanceCriterion criterion) implements UnitSelector {

    @Override
    public int[] keep(PruningGroup group, int count) {
        double[] s = criterion.scores(group);
        if (s.length != group.units()) {
            throw new IllegalStateException("criterion gave " + s.length + " scores for " + group.units() + " units");
        }
        if (count < 1 || count > s.length) {
            throw new IllegalArgumentException("cannot keep " + count + " of " + s.length + " units");
        }
        int[] kept = IntStream.range(0, s.length).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -s[u]).thenComparingInt(u -> u))
                .limit(count)
                .mapToInt(Integer::intValue)
                .toArray();
        Arrays.sort(kept);
        return kept;
    }
}
