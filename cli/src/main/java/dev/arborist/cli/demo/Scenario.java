package dev.arborist.cli.demo;

import dev.arborist.cli.demo.PromptPool.Domain;

/**
 * What the traffic generator offers over a run: a load multiplier on the base request rate and the
 * share of formal-domain prompts, both as functions of the run's progress (0..1). Bursts on top
 * come from the generator's arrival process.
 */
public enum Scenario {
    /** Base load throughout, mostly chat. */
    STEADY("steady") {
        @Override
        public double loadMultiplier(double progress) {
            return 1.0;
        }

        @Override
        public double formalShare(double progress) {
            return 0.2;
        }
    },
    /** Load doubles for the middle half of the run, then drops back. */
    LOAD_STEP("load-step") {
        @Override
        public double loadMultiplier(double progress) {
            return progress >= 0.25 && progress < 0.75 ? 2.0 : 1.0;
        }

        @Override
        public double formalShare(double progress) {
            return 0.2;
        }
    },
    /** Base load, half chat and half formal text throughout: the per-input policy's case. */
    MIXED("mixed") {
        @Override
        public double loadMultiplier(double progress) {
            return 1.0;
        }

        @Override
        public double formalShare(double progress) {
            return 0.5;
        }
    },
    /** Base load; traffic moves from chat to formal text at a third of the run. */
    DOMAIN_SHIFT("domain-shift") {
        @Override
        public double loadMultiplier(double progress) {
            return 1.0;
        }

        @Override
        public double formalShare(double progress) {
            return progress < 1.0 / 3 ? 0.0 : 1.0;
        }
    };

    private final String label;

    Scenario(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public abstract double loadMultiplier(double progress);

    /** Where the offered traffic changes, as progress (0..1); the start counts as a change. */
    public java.util.List<Double> changePoints() {
        return switch (this) {
            case STEADY, MIXED -> java.util.List.of(0.0);
            case LOAD_STEP -> java.util.List.of(0.0, 0.25, 0.75);
            case DOMAIN_SHIFT -> java.util.List.of(0.0, 1.0 / 3);
        };
    }

    public abstract double formalShare(double progress);

    public Domain domain(double progress, double uniform) {
        return uniform < formalShare(progress) ? Domain.FORMAL : Domain.CHAT;
    }

    /** The scenario named on the command line ({@code load-step}, {@code domain-shift}, {@code steady}). */
    public static Scenario of(String label) {
        for (Scenario s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + label + "': use load-step, domain-shift, steady or mixed");
    }
}
