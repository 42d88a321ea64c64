package dev.arborist.model.gen;

/** Picks the next token from a row of logits. */
@FunctionalInterface
public interface Sampler {
    int sample(float[] logits);

    /** The sampler for the usual request knobs: greedy at temperature 0, else temperature + top-p. */
    static Sampler of(double temperature, double topP, long seed) {
        if (temperature <= 0) {
            return new GreedySampler();
        }
        java.util.Random random = new java.util.Random(seed);
        Sampler inner = topP < 1.0 ? new ToppSampler(topP, random) : new CategoricalSampler(random);
        return new TemperatureSampler(temperature, inner);
    }
}
