package dev.arborist.policies.control;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A deployment's service-level objective and the knobs of the loop that keeps it. Messages of
 * invalid values name the snake_case key used in spec files, so the same text serves Java callers
 * and people editing YAML. Build one with {@link #builder}, which fills in the defaults.
 *
 * @param ttftP95Seconds target for p95 time to first token, or null
 * @param itlP95Seconds target for p95 inter-token latency, or null
 * @param e2eP95Seconds target for p95 end-to-end latency, or null (at least one target is required)
 * @param qualityBudget the largest held-out perplexity increase allowed, as a fraction (0.10 = +10%)
 * @param cooldown no move within this long after the last one
 * @param maxStep the most rungs one SPARSER move may skip
 * @param headroomFraction a window has headroom when every observed p95 is below this share of its target
 * @param guardFraction a window counts as violating when some observed p95 is above this share of its target: below 1,
 *     the controller moves sparser as latency closes in on the target rather than after a window broke it (a window
 *     the SLO missed is lost, whatever comes next)
 * @param headroomWindows consecutive headroom windows before a DENSER move
 * @param violationWindows consecutive violating windows before a SPARSER move
 * @param minRequests windows with fewer requests are not evidence
 * @param inputTolerance the per-input policy table sends an input class to a sparser rung than
 *     latency needs only when that rung costs the class at most this perplexity increase, as a
 *     fraction; far below the quality budget, because such a move is opportunistic: nobody asked
 *     for the latency, so it must cost nothing measurable
 */
public record SloSpec(String deployment, Double ttftP95Seconds, Double itlP95Seconds, Double e2eP95Seconds,
                      double qualityBudget, Duration cooldown, int maxStep, double headroomFraction, double guardFraction, int headroomWindows,
                      int violationWindows, int minRequests, double inputTolerance) {
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_STEP = 1;
    public static final double DEFAULT_HEADROOM_FRACTION = 0.7;
    /** The target itself: act when a window broke the SLO. */
    public static final double DEFAULT_GUARD_FRACTION = 1.0;
    public static final int DEFAULT_HEADROOM_WINDOWS = 3;
    public static final int DEFAULT_VIOLATION_WINDOWS = 1;
    public static final int DEFAULT_MIN_REQUESTS = 5;
    public static final double DEFAULT_INPUT_TOLERANCE = 0.02;

    public SloSpec {
        if (deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("deployment must be a non-empty name");
        }
        if (ttftP95Seconds == null && itlP95Seconds == null && e2eP95Seconds == null) {
            throw new IllegalArgumentException("at least one latency target is required: ttft_p95_seconds, itl_p95_seconds or e2e_p95_seconds");
        }
        requirePositiveTarget("ttft_p95_seconds", ttftP95Seconds);
        requirePositiveTarget("itl_p95_seconds", itlP95Seconds);
        requirePositiveTarget("e2e_p95_seconds", e2eP95Seconds);
        if (!(qualityBudget >= 0 && Double.isFinite(qualityBudget))) {
            throw new IllegalArgumentException("quality_budget must be a non-negative fraction (0.10 = +10% perplexity), got " + qualityBudget);
        }
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown_seconds must be non-negative, got " + cooldown);
        }
        requireAtLeast("max_step", maxStep, 1);
        if (!(headroomFraction > 0 && headroomFraction < 1)) {
            throw new IllegalArgumentException("headroom_fraction must be in (0, 1) so headroom sits below the target, got " + headroomFraction);
        }
        if (!(guardFraction > headroomFraction && guardFraction <= 1)) {
            throw new IllegalArgumentException("guard_fraction must be above headroom_fraction " + headroomFraction
                    + " and at most 1 (the target), got " + guardFraction);
        }
        requireAtLeast("headroom_windows", headroomWindows, 1);
        requireAtLeast("violation_windows", violationWindows, 1);
        requireAtLeast("min_requests", minRequests, 1);
        if (!(inputTolerance >= 0 && inputTolerance <= qualityBudget)) {
            throw new IllegalArgumentException("input_tolerance must be a fraction between 0 and quality_budget " + qualityBudget + ", got "
                    + inputTolerance);
        }
    }

    public static Builder builder(String deployment) {
        return new Builder(deployment);
    }

    /** The one spec in a YAML or JSON file; see {@link #readAll} for files with several. */
    public static SloSpec read(Path file) {
        return SloSpecReader.single(SloSpecReader.readAll(file), file.toString());
    }

    /** Every spec in a YAML or JSON file: one mapping, or a list of them (one per deployment). */
    public static List<SloSpec> readAll(Path file) {
        return SloSpecReader.readAll(file);
    }

    /** @param sourceName what error messages call the text (e.g. its file name) */
    public static SloSpec parse(String yamlOrJson, String sourceName) {
        return SloSpecReader.single(SloSpecReader.parseAll(yamlOrJson, sourceName), sourceName);
    }

    /** {@link #inputTolerance} as the mean per-token cost it allows (divergence from dense), in nats. */
    public double inputToleranceNats() {
        return Math.log1p(inputTolerance);
    }

    /** Whether some p95 of the window is above its guard line, {@link #guardFraction} of its target (false for a window without data). */
    public boolean violatedBy(WindowSummary window) {
        return new SloAssessment(this, window).verdict() == SloAssessment.Verdict.VIOLATED;
    }

    /** Whether every targeted p95 of the window is below {@link #headroomFraction} of its target (false without data). */
    public boolean headroomIn(WindowSummary window) {
        return new SloAssessment(this, window).verdict() == SloAssessment.Verdict.HEADROOM;
    }

    /** The largest perplexity ratio to dense a rung may have. */
    public double maxPerplexityRatio() {
        return 1 + qualityBudget;
    }

    private static void requirePositiveTarget(String key, Double seconds) {
        if (seconds != null && !(seconds > 0 && Double.isFinite(seconds))) {
            throw new IllegalArgumentException(key + " must be a positive number of seconds, got " + seconds);
        }
    }

    private static void requireAtLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
    }

    /** Targets and budget are set explicitly; every other field starts at its default. */
    public static final class Builder {
        private final String deployment;
        private Double ttftP95Seconds;
        private Double itlP95Seconds;
        private Double e2eP95Seconds;
        private double qualityBudget = Double.NaN; // no default: the budget is the owner's call
        private Duration cooldown = DEFAULT_COOLDOWN;
        private int maxStep = DEFAULT_MAX_STEP;
        private double headroomFraction = DEFAULT_HEADROOM_FRACTION;
        private double guardFraction = DEFAULT_GUARD_FRACTION;
        private int headroomWindows = DEFAULT_HEADROOM_WINDOWS;
        private int violationWindows = DEFAULT_VIOLATION_WINDOWS;
        private int minRequests = DEFAULT_MIN_REQUESTS;
        private Double inputTolerance; // default: the smaller of DEFAULT_INPUT_TOLERANCE and the budget

        private Builder(String deployment) {
            this.deployment = deployment;
        }

        public Builder ttftP95Seconds(double seconds) {
            this.ttftP95Seconds = seconds;
            return this;
        }

        public Builder itlP95Seconds(double seconds) {
            this.itlP95Seconds = seconds;
            return this;
        }

        public Builder e2eP95Seconds(double seconds) {
            this.e2eP95Seconds = seconds;
            return this;
        }

        public Builder qualityBudget(double fraction) {
            this.qualityBudget = fraction;
            return this;
        }

        public Builder cooldown(Duration cooldown) {
            this.cooldown = cooldown;
            return this;
        }

        public Builder maxStep(int rungs) {
            this.maxStep = rungs;
            return this;
        }

        public Builder headroomFraction(double fraction) {
            this.headroomFraction = fraction;
            return this;
        }

        public Builder guardFraction(double fraction) {
            this.guardFraction = fraction;
            return this;
        }

        public Builder headroomWindows(int windows) {
            this.headroomWindows = windows;
            return this;
        }

        public Builder violationWindows(int windows) {
            this.violationWindows = windows;
            return this;
        }

        public Builder minRequests(int requests) {
            this.minRequests = requests;
            return this;
        }

        public Builder inputTolerance(double fraction) {
            this.inputTolerance = fraction;
            return this;
        }

        public SloSpec build() {
            double tolerance = inputTolerance != null ? inputTolerance : Math.min(DEFAULT_INPUT_TOLERANCE, qualityBudget);
            return new SloSpec(deployment, ttftP95Seconds, itlP95Seconds, e2eP95Seconds, qualityBudget, cooldown, maxStep,
                    headroomFraction, guardFraction, headroomWindows, violationWindows, minRequests, tolerance);
        }
    }
}
