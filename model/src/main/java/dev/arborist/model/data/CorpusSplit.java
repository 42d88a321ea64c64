package dev.arborist.model.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic train / calibration / eval assignment. Each sentence goes where a seeded hash of its
 * text points, so the split does not depend on corpus order and identical sentences always land in
 * the same part (eval text never leaks into training).
 */
public record CorpusSplit(double calibrationFraction, double evalFraction, long seed) {

    public CorpusSplit {
        if (!(calibrationFraction >= 0 && evalFraction >= 0 && calibrationFraction + evalFraction < 1)) {
            throw new IllegalArgumentException("need calibrationFraction >= 0, evalFraction >= 0 and their"
                    + " sum < 1; got " + calibrationFraction + " and " + evalFraction);
        }
    }

    /** 1% calibration, 1% eval, 98% train. */
    public static CorpusSplit standard() {
        return new CorpusSplit(0.01, 0.01, 0L);
    }

    public Split assign(String sentence) {
        double u = unitHash(sentence);
        if (u < calibrationFraction) {
            return Split.CALIBRATION;
        }
        return u < calibrationFraction + evalFraction ? Split.EVAL : Split.TRAIN;
    }

    /** Splits keeping the input order within each part. */
    public SplitSentences split(List<String> sentences) {
        Map<Split, List<String>> parts = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            parts.put(s, new ArrayList<>());
        }
        for (String sentence : sentences) {
            parts.get(assign(sentence)).add(sentence);
        }
        return new SplitSentences(parts.get(Split.TRAIN), parts.get(Split.CALIBRATION), parts.get(Split.EVAL));
    }

    /** FNV-1a over the UTF-8 bytes, then the SplitMix64 finalizer to spread the bits; mapped to [0, 1). */
    private double unitHash(String sentence) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : sentence.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
