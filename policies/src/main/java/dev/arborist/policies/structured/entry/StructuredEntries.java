package dev.arborist.policies.structured.entry;

import dev.arborist.policies.plan.PlanEntryCodecs;

/** Registers the decoders of every structured plan entry; safe to call more than once. */
public final class StructuredEntries {
    private StructuredEntries() {}

    public static void register() {
        PlanEntryCodecs.register(ChannelSelection.KIND, ChannelSelection::decode);
        PlanEntryCodecs.register(HeadSelection.KIND, HeadSelection::decode);
        PlanEntryCodecs.register(LayerRemoval.KIND, LayerRemoval::decode);
        PlanEntryCodecs.register(ExpertSelection.KIND, ExpertSelection::decode);
        PlanEntryCodecs.register(ExpertSkip.KIND, ExpertSkip::decode);
        PlanEntryCodecs.register(ChannelPermutation.KIND, ChannelPermutation::decode);
    }
}
