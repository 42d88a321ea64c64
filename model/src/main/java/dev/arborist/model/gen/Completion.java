package dev.arborist.model.gen;

/** @param tokens generated ids, stop token excluded */
public record Completion(int[] tokens, FinishReason finishReason) {}
