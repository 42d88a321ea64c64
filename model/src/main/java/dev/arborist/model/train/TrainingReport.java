package dev.arborist.model.train;

import dev.arborist.model.config.ModelConfig;

/**
 * What a training run produced, for the model card.
 *
 * @param tokensSeen tokens consumed by the optimiser (steps x batch x length)
 * @param unigramPerplexity the context-free baseline on the same eval text
 */
public record TrainingReport(ModelConfig model, TrainConfig train, long tokensSeen, int trainTokens, int evalTokens,
                             double unigramPerplexity, double minutes) {}
