package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;
import java.util.function.DoubleUnaryOperator;

/**
 * What the traffic generator offers over a run: a load multiplier on the base request rate and the
 * share of formal-domain prompts, both as functions of the run's progress (0..1). Bursts on top
 * come from the generator's arrival process.
 */
public enum Scenario {
    /** Base load throughout, mostly chat. */
    STEADY("steady", progress -> 1.0, progress -> 0.2),
    /** Load doubles for the middle half of the run, then drops back. */
    LOAD_STEP("load-step", progress -> progress >= 0.25 && progress < 0.75 ? 2.0 : 1.0, progress -> 0.2),
    /** Base load, half chat and half formal text throughout: the per-input policy's case. */
    MIXED("mixed", progress -> 1.0, progress -> 0.5),
    /** Base load; traffic moves from chat to formal text at a third of the run. */
    DOMAIN_SHIFT("domain-shift", progress -> 1.0, progress -> progress < 1.0 / 3 ? 0.0 : 1.0);

    private final String label;
    private final DoubleUnaryOperator loadMultiplier;
    private final DoubleUnaryOperator formalShare;

    Scenario(String label, DoubleUnaryOperator loadMultiplier, DoubleUnaryOperator formalShare) {
        this.label = label;
        this.loadMultiplier = loadMultiplier;
        this.formalShare = formalShare;
    }

    public String label() {
        return label;
    }

    /** The offered load relative to the base rate at {@code progress} (0..1) of the run. */
    public double loadMultiplier(double progress) {
        return loadMultiplier.applyAsDouble(progress);
    }

    /** Where the offered traffic changes, as progress (0..1); the start counts as a change. */
    public java.util.List<Double> changePoints() {
        return switch (this) {
            case STEADY, MIXED -> java.util.List.of(0.0);
            case LOAD_STEP -> java.util.List.of(0.0, 0.25, 0.75);
            case DOMAIN_SHIFT -> java.util.List.of(0.0, 1.0 / 3);
        };
    }

    /** The share of formal-domain prompts at {@code progress} (0..1) of the run. */
    public double formalShare(double progress) {
        return formalShare.applyAsDouble(progress);
    }

    public Domain domain(double progress, double uniform) {
        return uniform < formalShare(progress) ? Domain.FORMAL : Domain.CHAT;
    }

    /** The scenario named on the command line ({@code load-step}, {@code domain-shift}, {@code steady}, {@code mixed}). */
    public static Scenario of(String label) {
        for (Scenario s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + label + "': use load-step, domain-shift, steady or mixed");
    }
}
