package dev.arborist.agent.window;

import dev.arborist.model.config.ModelConfig;

/**
 * The sizes a stats sketch must have to describe the deployment's base model: sketches from
 * another model are rejected rather than summed into nonsense.
 *
 * @param experts experts per MoE layer; 0 for a dense model
 * @param ffnWidth channels entering each FFN's (each expert's) down projection
 * @param attnWidth channels entering each attention output projection (heads x head size)
 */
public record TrafficShape(int layers, int experts, int ffnWidth, int attnWidth) {

    public static TrafficShape of(ModelConfig c) {
        return new TrafficShape(c.numLayers(), c.isMoe() ? c.numExperts() : 0, c.intermediateSize(), c.numHeads() * c.headDim());
    }
}
