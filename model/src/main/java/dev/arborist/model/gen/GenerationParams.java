package dev.arborist.model.gen;

import java.util.Set;

/**
 * @param maxTokens tokens to generate at most
 * @param stopTokens ids that end the sequence (not emitted)
 */
public record GenerationParams(int maxTokens, Set<Integer> stopTokens) {
    public GenerationParams {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        }
        stopTokens = Set.copyOf(stopTokens);
    }
}
