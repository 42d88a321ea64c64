package dev.arborist.model.train;

/**
 * Hyper-parameters of one training run.
 *
 * @param steps optimiser steps
 * @param batchSize sequences per step
 * @param sequenceLength tokens per sequence
 * @param learningRate peak learning rate, reached after {@code warmupSteps}
 * @param minLearningRate floor of the cosine decay
 * @param weightDecay decoupled weight decay for matrices (not norms)
 * @param gradClip global gradient norm limit
 * @param auxLossWeight weight of the MoE load-balancing loss
 * @param seed data order and initialisation
 * @param checkpointEvery steps between checkpoints
 * @param evalEvery steps between validation perplexity measurements
 */
public record TrainConfig(
        int steps,
        int batchSize,
        int sequenceLength,
        double learningRate,
        double minLearningRate,
        int warmupSteps,
        double weightDecay,
        double gradClip,
        double auxLossWeight,
        long seed,
        int checkpointEvery,
        int evalEvery) {

    public TrainConfig {
        if (steps < 1 || batchSize < 1 || sequenceLength < 2) {
            throw new IllegalArgumentException("steps, batch size must be >= 1 and sequence length >= 2");
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw new IllegalArgumentException("warm-up steps must be within [0, steps]");
        }
        if (!(learningRate > 0) || minLearningRate < 0 || minLearningRate > learningRate) {
            throw new IllegalArgumentException("need 0 <= min learning rate <= learning rate, learning rate > 0");
        }
    }

    /** Linear warm-up, then cosine decay to the floor (Loshchilov & Hutter 2017). */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
    }
}
