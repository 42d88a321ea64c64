package dev.arborist.policies.plan;

import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ChannelSelection;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.ExpertSelection;
import dev.arborist.policies.structured.entry.ExpertSkip;
import dev.arborist.policies.structured.entry.HeadSelection;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import dev.arborist.policies.structured.entry.LayerRemoval;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads plan entries back by their kind. Each entry class registers its decoder here; the kinds of
 * this package are registered when the class loads, so reading a plan never depends on which
 * classes happened to be used before.
 */
public final class PlanEntryCodecs {
    private static final Map<String, Function<EntryDecoder, PlanEntry>> DECODERS = new ConcurrentHashMap<>();

    static {
        register(TensorMask.KIND, TensorMask::decode);
        register(TensorUpdate.KIND, TensorUpdate::decode);
        register(ChannelSelection.KIND, ChannelSelection::decode);
        register(HeadSelection.KIND, HeadSelection::decode);
        register(LayerRemoval.KIND, LayerRemoval::decode);
        register(ExpertSelection.KIND, ExpertSelection::decode);
        register(ExpertSkip.KIND, ExpertSkip::decode);
        register(ChannelPermutation.KIND, ChannelPermutation::decode);
        register(ExpertPermutation.KIND, ExpertPermutation::decode);
        register(KvGroupPermutation.KIND, KvGroupPermutation::decode);
    }

    private PlanEntryCodecs() {}

    public static void register(String kind, Function<EntryDecoder, PlanEntry> decoder) {
        DECODERS.put(kind, decoder);
    }

    public static PlanEntry decode(String kind, EntryDecoder in) {
        Function<EntryDecoder, PlanEntry> decoder = DECODERS.get(kind);
        if (decoder == null) {
            throw new IllegalArgumentException("unknown plan entry kind '" + kind + "' (known: " + DECODERS.keySet() + ")");
        }
        return decoder.apply(in);
    }
}
