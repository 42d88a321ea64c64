package dev.arborist.model.nn;

import dev.arborist.model.config.ModelConfig;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How much of a model runs: the leading units of every prunable dimension (Matryoshka-style nested
 * prefixes, Kusupati et al. 2022), so that with units sorted by importance every level is a prefix
 * slice of the same weights. See {@link Transformer#atLevel}.
 *
 * @param ffnFraction share of each FFN's (each expert's) intermediate channels kept, in (0, 1]
 * @param expertsKept experts kept in every MoE layer (the router chooses among them); 0 for a dense model
 * @param kvGroupsKept KV heads kept in every attention block, each with the query heads that read it
 * @param skippedLayers layers whose attention and FFN do not run (ShortGPT, Men et al. 2024); they
 *     still write their keys and values so a later denser step can attend over every position
 * @param skipBeta a token's second expert is skipped when its gate is below beta times the first
 *     one's (NAEE, Lu et al. 2024); 0 never skips
 */
public record Level(double ffnFraction, int expertsKept, int kvGroupsKept, SortedSet<Integer> skippedLayers, double skipBeta) {

    public Level {
        if (!(ffnFraction > 0 && ffnFraction <= 1)) {
            throw new IllegalArgumentException("ffn fraction must be in (0, 1], got " + ffnFraction);
        }
        if (expertsKept < 0) {
            throw new IllegalArgumentException("experts kept must be non-negative, got " + expertsKept);
        }
        if (kvGroupsKept < 1) {
            throw new IllegalArgumentException("at least one KV group must be kept, got " + kvGroupsKept);
        }
        if (!(skipBeta >= 0 && skipBeta <= 1)) {
            throw new IllegalArgumentException("skip beta must be in [0, 1], got " + skipBeta);
        }
        for (int l : skippedLayers) {
            if (l < 0) {
                throw new IllegalArgumentException("skipped layer indices must be non-negative, got " + skippedLayers);
            }
        }
        skippedLayers = Collections.unmodifiableSortedSet(new TreeSet<>(skippedLayers));
    }

    /** Everything runs: the level of the full model. */
    public static Level dense(ModelConfig config) {
        return new Level(1.0, config.isMoe() ? config.numExperts() : 0, config.numKvHeads(), new TreeSet<>(), 0.0);
    }

    /** @throws IllegalArgumentException naming the first field that does not fit the model */
    public Level requireFits(ModelConfig config) {
        if (config.isMoe() && (expertsKept < 1 || expertsKept > config.numExperts())) {
            throw new IllegalArgumentException("experts kept must be in 1.." + config.numExperts() + " for this model, got " + expertsKept);
        }
        if (!config.isMoe() && expertsKept != 0) {
            throw new IllegalArgumentException("a dense model has no experts: experts kept must be 0, got " + expertsKept);
        }
        if (kvGroupsKept > config.numKvHeads()) {
            throw new IllegalArgumentException("KV groups kept must be in 1.." + config.numKvHeads() + " for this model, got " + kvGroupsKept);
        }
        if (!skippedLayers.isEmpty() && skippedLayers.last() >= config.numLayers()) {
            throw new IllegalArgumentException("skipped layer " + skippedLayers.last() + " does not exist: the model has layers 0.."
                    + (config.numLayers() - 1));
        }
        if (skippedLayers.size() >= config.numLayers()) {
            throw new IllegalArgumentException("a level must run at least one of the " + config.numLayers() + " layers");
        }
        return this;
    }

    public boolean isDense(ModelConfig config) {
        return equals(dense(config));
    }

    /** Channels kept of an FFN {@code width} channels wide: round(f * width), at least 1. */
    public int keptChannels(int width) {
        return Math.max(1, Math.min(width, (int) Math.round(ffnFraction * width)));
    }

    public boolean skips(int layer) {
        return skippedLayers.contains(layer);
    }

    public Level withFfnFraction(double f) {
        return new Level(f, expertsKept, kvGroupsKept, skippedLayers, skipBeta);
    }

    public Level withExpertsKept(int e) {
        return new Level(ffnFraction, e, kvGroupsKept, skippedLayers, skipBeta);
    }

    public Level withKvGroupsKept(int g) {
        return new Level(ffnFraction, expertsKept, g, skippedLayers, skipBeta);
    }

    public Level withSkippedLayer(int layer) {
        SortedSet<Integer> s = new TreeSet<>(skippedLayers);
        s.add(layer);
        return new Level(ffnFraction, expertsKept, kvGroupsKept, s, skipBeta);
    }

    public Level withSkipBeta(double beta) {
        return new Level(ffnFraction, expertsKept, kvGroupsKept, skippedLayers, beta);
    }

    /** Short form for logs and tables, e.g. {@code ffn 0.50, experts 8, kv 2, skip [3], beta 0.30}. */
    public String describe() {
        return String.format(Locale.ROOT, "ffn %.3f, experts %d, kv %d, skip %s, beta %.2f", ffnFraction, expertsKept, kvGroupsKept,
                skippedLayers, skipBeta);
    }

    /** For callers holding a plain set. */
    public static Level of(double ffnFraction, int expertsKept, int kvGroupsKept, Set<Integer> skippedLayers, double skipBeta) {
        return new Level(ffnFraction, expertsKept, kvGroupsKept, new TreeSet<>(skippedLayers), skipBeta);
    }
}
