package dev.arborist.policies.plan;

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
