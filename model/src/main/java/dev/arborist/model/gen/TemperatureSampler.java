package dev.arborist.model.gen;

/** Divides the logits by a temperature, then lets the wrapped sampler choose. */
public final class TemperatureSampler implements Sampler {
    private final double temperature;
    private final Sampler inner;

    public TemperatureSampler(double temperature, Sampler inner) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
        this.inner = inner;
    }

    @Override
    public int sample(float[] logits) {
        float[] scaled = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scaled[i] = (float) (logits[i] / temperature);
        }
        return inner.sample(scaled);
    }
}
