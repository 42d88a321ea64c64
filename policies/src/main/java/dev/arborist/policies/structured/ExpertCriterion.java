package dev.arborist.policies.structured;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.policies.structured.importance.NaeeSubsetSearch;
import dev.arborist.policies.structured.importance.ReapImportance;
import dev.arborist.policies.structured.importance.RoutingFrequencyImportance;
import dev.arborist.policies.structured.importance.TopScores;
import dev.arborist.policies.structured.importance.UnitSelector;
import dev.arborist.policies.structured.moe.MoeProbe;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

/** How {@link ExpertPruning} decides which experts to keep (option {@code criterion}). */
public enum ExpertCriterion {
    /** Most often routed to. */
    FREQUENCY,
    /** Highest REAP saliency: mean gate * ||expert output|| over routed tokens (Lasby et al. 2025). */
    REAP,
    /** Lowest MoE-output reconstruction error over all subsets (NAEE, Lu et al. 2024). */
    NAEE;

    public static ExpertCriterion parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown expert criterion '" + value + "'; use one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT), e);
        }
    }

    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the criterion re-runs router and experts on recorded MoE inputs (REAP, NAEE) rather than reading counts. */
    boolean replaysExperts() {
        return this != FREQUENCY;
    }

    UnitSelector selector(ActivationStatistics stats, IntFunction<MoeProbe> probes) {
        return switch (this) {
            case FREQUENCY -> new TopScores(new RoutingFrequencyImportance(stats));
            case REAP -> new TopScores(new ReapImportance(probes));
            case NAEE -> new NaeeSubsetSearch(probes);
        };
    }
}
