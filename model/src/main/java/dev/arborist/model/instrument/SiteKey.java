package dev.arborist.model.instrument;

/** Identifies one linear input site: a layer, a site kind and, for MoE feed-forwards, an expert (-1 otherwise). */
public record SiteKey(int layer, LinearSite site, int expert) {}
