package dev.arborist.agent;

import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the agent is started with, checked once. Build one with {@link #builder}; every
 * field but the four required ones has a default.
 *
 * @param bootstrap Kafka {@code bootstrap.servers}
 * @param modelDir the dense base model the deployment serves (plans are built over it)
 * @param storeDir artifacts ({@code plans/}) and the agent's snapshot go here
 * @param slo targets, quality budget and controller settings; its deployment is the agent's
 * @param window control window length (demo ~5-10 s, production ~60 s)
 * @param metricsPort port of /metrics and /health/live; 0 for any free port
 * @param evalFile held-out text: the ladder search uses its first half, verification its second
 * @param calibFile text for an initial plan before serving has sent statistics; null: wait for live statistics
 * @param statsHalfLife half-life of the decayed traffic statistics (recent traffic counts most)
 * @param ladder how ladders are searched and measured
 * @param verifyWindows held-out windows measured per rung before publishing
 * @param minBuildTokens sampled tokens of live statistics a build needs
 * @param drift when traffic counts as shifted
 * @param promptSamples recent sampled prompts kept for the shadow check
 */
public record AgentConfig(String bootstrap, Path modelDir, Path storeDir, SloSpec slo, Duration window, int metricsPort, Path evalFile,
                          Path calibFile, Duration statsHalfLife, LadderSettings ladder, int verifyWindows, double minBuildTokens,
                          DriftSettings drift, int promptSamples) {

    /**
     * How drift is told from chance. Defaults measured on the bundled model at the demo's sampling: with unchanged
     * traffic (a load step) the expert-usage JS stayed under 0.0005 bits over 2048 sampled tokens, while the chat ->
     * formal domain shift gave 0.011-0.018; the channel-norm shift of two samples of unchanged traffic was 0.05-0.07 at
     * 512 tokens, as large as that of the domain shift, so for a mixture-of-experts model the norms only catch shifts far
     * larger than sampling noise (a dense model has only them).
     *
     * @param jsThreshold mean Jensen-Shannon divergence of expert usage (bits) over which a comparison counts as shifted
     * @param normThreshold mean 1 - cosine of FFN channel norms over which a comparison counts as shifted
     * @param confirmWindows shifted comparisons in a row that confirm drift
     * @param sampleTokens sampled tokens each comparison holds at least (the noise falls as one over their root)
     */
    public record DriftSettings(double jsThreshold, double normThreshold, int confirmWindows, long sampleTokens) {
        public DriftSettings {
            if (confirmWindows < 1 || sampleTokens < 1) {
                throw new IllegalArgumentException("drift needs at least one comparison of at least one token, got confirm " + confirmWindows
                        + ", sample tokens " + sampleTokens);
            }
        }

        public static DriftSettings defaults() {
            return new DriftSettings(0.006, 0.1, 3, 1024);
        }
    }

    public AgentConfig {
        require(bootstrap != null && !bootstrap.isBlank(), "the agent needs a Kafka bootstrap, e.g. --kafka 127.0.0.1:9092");
        Objects.requireNonNull(slo, "slo");
        require(modelDir != null && Files.isRegularFile(modelDir.resolve("config.json")), "model directory " + modelDir + " has no config.json");
        require(storeDir != null, "the agent needs a store directory for plans and its snapshot");
        require(window != null && window.toMillis() >= 100, "the window must be at least 100 ms, got " + window);
        require(metricsPort >= 0 && metricsPort <= 65535, "the metrics port must be in 0..65535, got " + metricsPort);
        require(evalFile != null && Files.isRegularFile(evalFile), "eval text not found: " + evalFile);
        require(calibFile == null || Files.isRegularFile(calibFile), "calibration text not found: " + calibFile);
        require(statsHalfLife != null && !statsHalfLife.isNegative() && !statsHalfLife.isZero(), "the statistics half-life must be positive");
        requireBudget(slo);
        require(verifyWindows >= 1 && minBuildTokens >= 0 && promptSamples >= 0, "verify windows must be >= 1, build tokens and prompt samples >= 0");
        Objects.requireNonNull(ladder, "ladder");
        Objects.requireNonNull(drift, "drift");
    }

    public String deployment() {
        return slo.deployment();
    }

    /** @param slo its deployment is the agent's */
    public static Builder builder(String bootstrap, Path modelDir, Path storeDir, SloSpec slo) {
        return new Builder(bootstrap, modelDir, storeDir, slo);
    }

    /**
     * Ladder settings for an SLO: {@linkplain #rungBudgets rungs spread over the quality budget},
     * 128-token windows, a few per candidate on the search path (a build then takes seconds on the
     * bundled model, not minutes) but {@value #SELECTION_WINDOWS} to choose each rung, and a short
     * side-by-side speed measurement.
     */
    public static LadderSettings ladderFor(SloSpec slo) {
        return new LadderSettings(rungBudgets(slo.qualityBudget()), 128, 4, SELECTION_WINDOWS, new SpeedComparison(SPEED_PAIRS, 16, 16));
    }

    /**
     * One rung at each third of the quality budget. At a quarter and a half of it, the bundled model's
     * first two rungs were nearly the same level (x1.025 and x1.039 held-out); at thirds the first is
     * the x1.04 level and the second the sparsest that verifies (x1.13, about 1.5x). The control bench
     * met its goals more often with these (BENCHMARKS.md, "Session 11").
     */
    public static List<Double> rungBudgets(double qualityBudget) {
        return List.of(qualityBudget / 3, qualityBudget * 2 / 3, qualityBudget);
    }

    /** Alternating dense/rung pairs per speed-up: with 2 a build beside serving claimed 1.29x for rung 1 and 1.24x for rung 2. */
    static final int SPEED_PAIRS = 5;

    /**
     * Windows a rung is chosen on, and as many again verify it on other text. The sparsest rung sits at
     * the edge of the budget: chosen on 8 windows (1024 tokens) it measured x1.20-1.24 on the verifier's
     * 8 windows against x1.15 when chosen, and was dropped, in most builds. Each extra window costs
     * one forward per rung candidate, a few seconds per build in all.
     */
    static final int SELECTION_WINDOWS = 32;

    private static void requireBudget(SloSpec slo) {
        require(slo.qualityBudget() > 0, "quality_budget is 0: no sparse rung could ever be used; give the budget as e.g. 0.10 for +10%");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Required fields up front, defaults for the rest. */
    public static final class Builder {
        private final String bootstrap;
        private final Path modelDir;
        private final Path storeDir;
        private final SloSpec slo;
        private Duration window = Duration.ofSeconds(60);
        private int metricsPort = 9464;
        private Path evalFile;
        private Path calibFile;
        private Duration statsHalfLife;
        private LadderSettings ladder;
        private int verifyWindows = SELECTION_WINDOWS;
        private double minBuildTokens = 256;
        private DriftSettings drift = DriftSettings.defaults();
        private int promptSamples = 32;

        private Builder(String bootstrap, Path modelDir, Path storeDir, SloSpec slo) {
            this.bootstrap = bootstrap;
            this.modelDir = modelDir;
            this.storeDir = storeDir;
            this.slo = slo;
        }

        public Builder window(Duration d) {
            window = d;
            return this;
        }

        public Builder metricsPort(int port) {
            metricsPort = port;
            return this;
        }

        /** Default: {@code eval.txt} in the model directory. */
        public Builder evalFile(Path f) {
            evalFile = f;
            return this;
        }

        /** Default: none (the first plan waits for live statistics). */
        public Builder calibFile(Path f) {
            calibFile = f;
            return this;
        }

        /** Default: ten windows. */
        public Builder statsHalfLife(Duration d) {
            statsHalfLife = d;
            return this;
        }

        /** Default: {@link AgentConfig#ladderFor}. */
        public Builder ladder(LadderSettings s) {
            ladder = s;
            return this;
        }

        public Builder verifyWindows(int n) {
            verifyWindows = n;
            return this;
        }

        public Builder minBuildTokens(double tokens) {
            minBuildTokens = tokens;
            return this;
        }

        public Builder drift(DriftSettings d) {
            drift = d;
            return this;
        }

        public Builder promptSamples(int n) {
            promptSamples = n;
            return this;
        }

        public AgentConfig build() {
            if (slo != null && ladder == null) {
                requireBudget(slo); // before the default ladder is derived from it
            }
            return new AgentConfig(bootstrap, modelDir, storeDir, slo, window, metricsPort,
                    evalFile != null ? evalFile : modelDir == null ? null : modelDir.resolve("eval.txt"), calibFile,
                    statsHalfLife != null ? statsHalfLife : window == null ? null : window.multipliedBy(10),
                    ladder != null ? ladder : slo == null ? null : ladderFor(slo), verifyWindows, minBuildTokens, drift, promptSamples);
        }
    }
}
