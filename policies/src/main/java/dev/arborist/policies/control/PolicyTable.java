package dev.arborist.policies.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-input policy: which rung a request runs at, from its features (SLO class, prompt length
 * bucket, expert-usage signature). An entry says how sparse a feature class has been shown to
 * tolerate (see {@link PolicyTableLearner}); the controller's base rung is what latency requires.
 * A request runs at the sparser of the two, so the table only ever makes tolerant inputs sparser
 * and never takes anyone denser than the latency loop allows. Classes without an entry run at the
 * base rung. A table belongs to the ladder it was learned on.
 */
public final class PolicyTable {
    public static final String SCHEMA = "arborist.policy-table.v1";
    /** Prompts shorter than this many tokens are "short". */
    public static final int SHORT_BELOW = 32;
    /** Prompts shorter than this many tokens (and not short) are "medium"; the rest "long". */
    public static final int MEDIUM_BELOW = 128;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** The key of a feature class; any part may be null (not given). */
    public record Features(String sloClass, String lengthBucket, Integer signature) {
    }

    /**
     * @param rung the sparsest rung this class was shown to tolerate
     * @param samples shadowed requests at that rung
     * @param meanDropNats their mean shadow cost per token (divergence from dense, nats): the log-likelihood a class loses there
     * @param meanE2eSeconds mean end-to-end latency of the class's requests that ran at that rung; null when none did
     */
    public record Entry(String sloClass, String lengthBucket, Integer signature, @JsonProperty(required = true) int rung,
                        long samples, double meanDropNats, Double meanE2eSeconds) {
        public Entry {
            if (rung < 0) {
                throw new IllegalArgumentException("entry rung must be non-negative, got " + rung);
            }
        }

        public Features features() {
            return new Features(sloClass, lengthBucket, signature);
        }
    }

    private static final Comparator<Entry> ORDER = Comparator
            .comparing(Entry::sloClass, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Entry::lengthBucket, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Entry::signature, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()));

    private record Wire(String schema, @JsonProperty(required = true) int defaultRung, List<Entry> entries) {
    }

    private final int defaultRung;
    private final Map<Features, Entry> entries;

    /** @param defaultRung the base rung the table was learned at, used when no base is given */
    public PolicyTable(int defaultRung, List<Entry> entries) {
        if (defaultRung < 0) {
            throw new IllegalArgumentException("default rung must be non-negative, got " + defaultRung);
        }
        Map<Features, Entry> byFeatures = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (byFeatures.put(e.features(), e) != null) {
                throw new IllegalArgumentException("two entries for " + e.features());
            }
        }
        this.defaultRung = defaultRung;
        this.entries = Map.copyOf(byFeatures);
    }

    /**
     * The rung for a request: its class's tolerated rung if it is sparser than {@code baseRung}, else
     * the base. The class is the full one (with the signature) when the table has it, else the coarse
     * one (SLO class and length bucket only).
     */
    public int rungFor(String sloClass, String lengthBucket, Integer signature, int baseRung) {
        Entry e = entries.get(new Features(sloClass, lengthBucket, signature));
        if (e == null && signature != null) {
            e = entries.get(new Features(sloClass, lengthBucket, null));
        }
        return e == null ? baseRung : Math.max(baseRung, e.rung());
    }

    public int rungFor(String sloClass, String lengthBucket, Integer signature) {
        return rungFor(sloClass, lengthBucket, signature, defaultRung);
    }

    /** The one place prompt lengths are bucketed: short below 32 tokens, medium below 128, long from 128. */
    public static String lengthBucket(int promptTokens) {
        if (promptTokens < 0) {
            throw new IllegalArgumentException("prompt length must be non-negative, got " + promptTokens);
        }
        return promptTokens < SHORT_BELOW ? "short" : promptTokens < MEDIUM_BELOW ? "medium" : "long";
    }

    public int defaultRung() {
        return defaultRung;
    }

    /**
     * This table on a ladder of {@code rungs} rungs: a class sent beyond it goes to its sparsest rung
     * instead (rungs are nested: a class that tolerates a sparser rung tolerates the denser ones), and
     * an entry that would only say "dense" is dropped.
     */
    public PolicyTable clampedTo(int rungs) {
        if (rungs < 1) {
            throw new IllegalArgumentException("a ladder has at least the dense rung, got " + rungs);
        }
        List<Entry> kept = entries().stream().filter(e -> rungs > 1 || e.rung() == 0)
                .map(e -> e.rung() < rungs ? e : new Entry(e.sloClass(), e.lengthBucket(), e.signature(), rungs - 1, e.samples(),
                        e.meanDropNats(), null))
                .filter(e -> e.rung() > 0).toList();
        return new PolicyTable(Math.min(defaultRung, rungs - 1), kept);
    }

    /** Which rung each class is sent to: two tables that agree on it route every request alike. */
    public Map<Features, Integer> rungs() {
        Map<Features, Integer> rungs = new LinkedHashMap<>();
        entries().forEach(e -> rungs.put(e.features(), e.rung()));
        return rungs;
    }

    public List<Entry> entries() {
        return entries.values().stream().sorted(ORDER).toList();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(new Wire(SCHEMA, defaultRung, entries()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy table always serialises", e);
        }
    }

    /** @throws IllegalArgumentException if the text is not a policy table */
    public static PolicyTable fromJson(String json) {
        Wire w;
        try {
            w = JSON.readValue(json, Wire.class);
        } catch (JsonProcessingException e) {
            String reason = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("malformed policy table: " + reason, e);
        }
        if (w == null || !SCHEMA.equals(w.schema())) {
            throw new IllegalArgumentException("not a policy table (schema " + SCHEMA + ")");
        }
        return new PolicyTable(w.defaultRung(), w.entries() == null ? List.of() : w.entries());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyTable t && t.defaultRung == defaultRung && t.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return 31 * defaultRung + entries.hashCode();
    }

    @Override
    public String toString() {
        return "PolicyTable[default " + defaultRung + ", " + entries() + "]";
    }
}
