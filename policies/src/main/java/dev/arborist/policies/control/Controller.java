package dev.arborist.policies.control;

import static dev.arborist.policies.control.SloAssessment.percent;
import static dev.arborist.policies.control.SloAssessment.ratio;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SLO feedback loop of one deployment, as pure logic: one window in, one decision out. Time
 * comes from the caller; nothing here reads a clock or does I/O.
 *
 * <p>Rules, in the order {@link #decide} applies them:
 * <ol>
 * <li>A window is evidence only if it ran on the current rung, began after the last move and has
 *     at least {@code min_requests} requests; anything else is a HOLD and leaves the streaks alone.
 * <li>Each evidence window violates (some p95 above its guard line: its target, or {@code guard_fraction} of it), has headroom (every p95 below
 *     {@code headroom_fraction} of its target) or lies in the band between, which resets both streaks.
 * <li>The first evidence window after a move's cool-down is that move's verdict. A SPARSER move is
 *     undone when some p95 rose by more than {@value #WORSE_BY} (as a fraction) over the window it
 *     was based on while the finished-request rate stayed within {@value #SAME_LOAD} of it (a busier
 *     window, or one whose requests finish late in a burst, says nothing about the rung), and the next
 *     evidence window says so too ({@value #CONFIRM_WINDOWS} in a row; the controller holds between them);
 *     a DENSER move is undone when the verdict window violates. The rung that backfired is barred for {@value #PENALTY_COOLDOWNS} cool-downs (at least that many
 *     windows when the cool-down is shorter than a window). A denser move fails at its load: its bar
 *     lifts early once the latest {@code headroom_windows} headroom windows peak {@value #LIGHTER_LOAD}
 *     (as a fraction) or more below the request rate it was made at (the peak of its own).
 * <li>No move within {@code cooldown} of the last one; windows inside it still count towards the streaks.
 * <li>{@code violation_windows} violating windows in a row: SPARSER, to the nearest rung whose
 *     decode speed-up is expected to bring the worst p95 to the middle of the band between headroom
 *     and violation, at most {@code max_step} rungs away (the farthest allowed one when none is
 *     expected to suffice). Aiming just under the target would leave the next burst to carry it back over. A rung is allowed when
 *     its perplexity ratio is within 1 + {@code quality_budget}, it is not barred, and it is within
 *     the cap a failed quality check set.
 * <li>{@code headroom_windows} headroom windows in a row: DENSER by one rung, but only if the p95
 *     expected there stays at or below the middle of the band, so a large speed-up gap between two
 *     rungs cannot carry it straight over the target and back, and only if the peak of the last
 *     {@value #PEAK_COOLDOWNS} cool-downs (the highest p95 share, scaled by speed-ups, of the windows at this
 *     load: at most twice the latest headroom's request rate) would stay at or below the middle of the band
 *     there too: a burst that came and went is likely to come again, a load that halved is not. Under bursty load the calm between
 *     bursts is headroom too: a denser move that a sparser one undoes within the bar's span doubles
 *     the streak the next denser move needs, and a denser move that stands that long halves it
 *     again ({@link DenserBackoff}); a streak at lighter load, as for the bar, needs only the spec's.
 * </ol>
 * Latency at another rung is estimated as p95 x speedup(current) / speedup(other). Not thread-safe:
 * one owner feeds it windows.
 */
public final class Controller {
    /** A SPARSER move that raised some p95 by more than this fraction is undone. */
    public static final double WORSE_BY = 0.10;
    /** ... unless the finished-request rate changed by more than this fraction too. */
    public static final double SAME_LOAD = 0.10;
    /**
     * Evidence windows in a row that must say a SPARSER move backfired before it is undone. One
     * window's p95 of some 50 requests moves 15% by chance, and a false undo bars the very rung the
     * load needs for {@value #PENALTY_COOLDOWNS} cool-downs (control bench, session 17: 60 s of misses
     * on the denser rung); a DENSER move that violates is undone at once, as waiting costs misses.
     */
    public static final int CONFIRM_WINDOWS = 2;
    /** How long a rung that backfired stays barred, in cool-downs. */
    public static final int PENALTY_COOLDOWNS = 10;
    /**
     * Headroom whose request rate peaks at least this fraction below the one a failed denser move
     * was made at runs at another load: that failure neither bars nor backs off the next denser move.
     */
    public static final double LIGHTER_LOAD = 0.25;
    /**
     * A window whose request rate was over twice the latest headroom's (which is this fraction or more
     * below it) ran under another load, one that has gone: a denser move need not survive its peak.
     */
    public static final double OTHER_LOAD = 0.5;
    /**
     * How far back, in cool-downs, a denser move looks for the peak it must survive: long enough to
     * span the gap between bursts, short enough that a load that fell is trusted within a minute or so.
     */
    public static final int PEAK_COOLDOWNS = 5;

    private final SloSpec spec;
    private final ControllerMemory memory;
    private Ladder ladder;

    public Controller(SloSpec spec, List<Rung> ladder) {
        this(spec, ladder, ControllerState.startingAt(0));
    }

    /** Resumes from a snapshot taken with {@link #state()}. */
    public Controller(SloSpec spec, List<Rung> ladder, ControllerState state) {
        this.spec = spec;
        this.ladder = new Ladder(ladder, spec.maxPerplexityRatio());
        int highest = Math.max(state.currentRung(), state.rungBeforeMove() == null ? 0 : state.rungBeforeMove());
        if (highest > this.ladder.sparsest()) {
            throw new IllegalArgumentException("the state refers to rung " + highest + ", which is not on a ladder of "
                    + ladder.size() + " rungs");
        }
        this.memory = new ControllerMemory(state);
    }

    public SloSpec spec() {
        return spec;
    }

    public List<Rung> ladder() {
        return ladder.rungs();
    }

    public int currentRung() {
        return memory.currentRung;
    }

    public ControllerState state() {
        return memory.snapshot();
    }

    /** @param now when the decision is made (normally the window's end) */
    public ControlDecision decide(WindowSummary window, Instant now) {
        Map<String, Double> observed = SloAssessment.observed(window);
        String notEvidence = whyNotEvidence(window);
        if (notEvidence != null) {
            return hold(notEvidence, observed);
        }
        SloAssessment slo = new SloAssessment(spec, window);
        if (slo.verdict() == SloAssessment.Verdict.NO_DATA) {
            return hold(slo.describe() + ": not evidence", observed);
        }
        memory.count(slo.verdict(), window.requestRate(), spec.headroomWindows());
        memory.remember(new PeakWindow(window.end(), slo.worstRatio() * ladder.rung(memory.currentRung).decodeSpeedup(),
                window.requestRate()), now.minus(horizon(window, PEAK_COOLDOWNS)));
        memory.dropPenaltiesEndedBy(now);
        memory.backoff = memory.backoff.settled(now, recentSpan(window));
        boolean coolingDown = memory.lastMoveAt != null && now.isBefore(memory.lastMoveAt.plus(spec.cooldown()));
        if (memory.rungBeforeMove != null && !coolingDown) {
            ControlDecision undo = judgeLastMove(window, slo, now, observed);
            if (undo != null) {
                return undo;
            }
        }
        String streak;
        if (memory.violationStreak >= spec.violationWindows()) {
            streak = slo.describe() + " for " + memory.violationStreak + " window(s)";
        } else if (memory.headroomStreak >= headroomWindowsNeeded()) {
            streak = "headroom: " + slo.describe() + " for " + memory.headroomStreak + " window(s)";
        } else {
            return hold(holdReason(slo), observed);
        }
        if (coolingDown) {
            return hold(streak + ", but the last move was " + secondsSince(memory.lastMoveAt, now) + " ago (cool-down "
                    + wholeSeconds(spec.cooldown()) + ")", observed);
        }
        return memory.violationStreak > 0 ? sparser(slo, streak, window, now, observed) : denser(slo, streak, window, now, observed);
    }

    /**
     * A quality check of the current rung (the agent's: live shadow scores pooled since the move) came
     * back over budget: leave it now, cool-down or not. The ladder evidently understates loss, so every
     * rung's excess perplexity is scaled by the factor it was off at this rung, and the controller goes
     * to the sparsest rung still within budget under that correction; sparser rungs stay capped until
     * {@link #ladderChanged} brings new measurements.
     *
     * @param measuredRatio perplexity of the current rung divided by dense's, as measured
     */
    public ControlDecision qualityRegressed(double measuredRatio, Instant now) {
        if (!(measuredRatio > 0 && Double.isFinite(measuredRatio))) {
            throw new IllegalArgumentException("measured perplexity ratio must be a positive number, got " + measuredRatio);
        }
        int from = memory.currentRung;
        Map<String, Double> observed = Map.of("perplexity_ratio", measuredRatio, "rung", (double) from);
        double max = spec.maxPerplexityRatio();
        if (measuredRatio <= max) {
            return hold("measured perplexity ratio " + ratio(measuredRatio) + " at rung " + from + " is within budget " + ratio(max), observed);
        }
        if (from == 0) {
            return hold("measured perplexity ratio " + ratio(measuredRatio) + " on the dense rung: the evaluation changed, not the plan", observed);
        }
        double claimedExcess = ladder.rung(from).perplexityRatio() - 1;
        double understatement = Math.max(1, (measuredRatio - 1) / Math.max(claimedExcess, 1e-9));
        int to = from - 1;
        while (to > 0 && 1 + (ladder.rung(to).perplexityRatio() - 1) * understatement > max) {
            to--;
        }
        double expectedRatio = to == 0 ? 1 : 1 + (ladder.rung(to).perplexityRatio() - 1) * understatement;
        String reason = String.format(Locale.ROOT, "measured perplexity ratio %s at rung %d > budget %s (the ladder said %s);"
                        + " scaling every rung's loss by %.1fx, rung %d (about %s) is the sparsest within budget;"
                        + " rungs above %d are capped until the ladder is rebuilt", ratio(measuredRatio), from, ratio(max),
                ratio(ladder.rung(from).perplexityRatio()), understatement, to, ratio(expectedRatio), to);
        memory.qualityCap = to;
        return move(Action.ROLLBACK, to, now, null, reason, observed, Map.of("perplexity_ratio", expectedRatio,
                "decode_speedup", ladder.rung(to).decodeSpeedup(), "latency_ratio", ladder.latencyRatio(from, to)));
    }

    /**
     * A rebuilt plan brought a new ladder. Bars, the quality cap and pending verdicts belonged to the
     * old rungs and are dropped; recent peaks are kept (as dense p95 shares, they hold on any ladder),
     * so a burst just before a rebuild still holds back the next denser move. The current rung is
     * clamped to the sparsest allowed one at or below it.
     *
     * @return DENSER if the clamp moved the rung (the agent must publish it), else HOLD
     */
    public ControlDecision ladderChanged(List<Rung> rungs) {
        Ladder next = new Ladder(rungs, spec.maxPerplexityRatio());
        int from = memory.currentRung;
        int to = rungKeptOn(next);
        this.ladder = next;
        memory.forgetLadder(to);
        if (to == from) {
            return hold("ladder rebuilt with " + rungs.size() + " rungs; rung " + from + " is still allowed", Map.of());
        }
        String why = from > next.sparsest() ? "rung " + from + " no longer exists"
                : "rung " + from + " now exceeds the quality budget (perplexity ratio " + ratio(next.rung(from).perplexityRatio()) + ")";
        return new ControlDecision(Action.DENSER, from, to, "ladder rebuilt: " + why + "; clamped to rung " + to, Map.of(),
                Map.of("perplexity_ratio", next.rung(to).perplexityRatio(), "decode_speedup", next.rung(to).decodeSpeedup()));
    }

    /** The rung {@link #ladderChanged} would leave the controller on: the current one, or the sparsest allowed one below it. */
    public int rungKeptOn(List<Rung> rungs) {
        return rungKeptOn(new Ladder(rungs, spec.maxPerplexityRatio()));
    }

    private int rungKeptOn(Ladder next) {
        int to = Math.min(memory.currentRung, next.sparsest());
        while (to > 0 && !next.withinBudget(to)) {
            to--;
        }
        return to;
    }

    /**
     * Serving runs another rung than the one chosen (a swap was rejected, or an operator overrode it):
     * continue from that rung. Streaks and any pending verdict are dropped; bars and the cap stay.
     */
    public void adopt(int servedRung) {
        if (servedRung < 0 || servedRung > ladder.sparsest()) {
            throw new IllegalArgumentException("rung " + servedRung + " is not on a ladder of " + ladder.rungs().size() + " rungs");
        }
        memory.forgetStreaks(servedRung);
    }

    private String whyNotEvidence(WindowSummary window) {
        if (window.rung() != memory.currentRung) {
            return "the window ran on rung " + window.rung() + " but the controller chose rung " + memory.currentRung
                    + "; waiting for serving to switch";
        }
        if (memory.lastMoveAt != null && window.start().isBefore(memory.lastMoveAt)) {
            return "the window began before the move to rung " + memory.currentRung + " at " + memory.lastMoveAt + ", so it mixes rungs";
        }
        if (window.requests() < spec.minRequests()) {
            return "only " + window.requests() + " request(s) in the window, fewer than min_requests " + spec.minRequests() + ": not evidence";
        }
        return null;
    }

    private ControlDecision judgeLastMove(WindowSummary window, SloAssessment slo, Instant now, Map<String, Double> observed) {
        int before = memory.rungBeforeMove;
        int tried = memory.currentRung;
        boolean sparser = tried > before;
        String backfired = sparser ? MoveVerdict.fasterBackfired(spec, memory.moveBasis.sample(), window.sample())
                : MoveVerdict.denserBackfired(slo);
        if (backfired != null && sparser && ++memory.backfiredWindows < CONFIRM_WINDOWS) {
            return hold("after the move from rung " + before + " to " + tried + ", " + backfired + "; "
                    + (CONFIRM_WINDOWS - memory.backfiredWindows) + " more such window(s) would undo it", observed);
        }
        memory.verdictGiven();
        if (backfired == null) {
            return null;
        }
        Instant until = now.plus(recentSpan(window));
        // a denser move fails at its load; a sparser one because the rung is slower, whatever the load
        memory.penalties.put(tried, before > tried ? new Bar(until, memory.backoff.lastDenserLoad()) : Bar.until(until));
        String reason = "after the move from rung " + before + " to " + tried + ", " + backfired + "; back to rung " + before
                + ", rung " + tried + " barred until " + until;
        if (before > tried) {
            reason += backOff(now, window);
        }
        return move(Action.ROLLBACK, before, now, null, reason, observed, expectations(tried, before));
    }

    private ControlDecision sparser(SloAssessment slo, String streak, WindowSummary window, Instant now, Map<String, Double> observed) {
        int from = memory.currentRung;
        int last = Math.min(from + spec.maxStep(), ladder.sparsest());
        int chosen = -1;
        for (int to = from + 1; to <= last; to++) {
            if (memory.blocker(ladder, to, now) == null) {
                chosen = to;
                if (slo.worstRatio() * ladder.latencyRatio(from, to) <= bandMiddle()) {
                    break; // the nearest rung expected to meet every target with a margin
                }
            }
        }
        if (chosen < 0) {
            String why = from == ladder.sparsest() ? "rung " + from + " is already the sparsest" : memory.blocker(ladder, from + 1, now);
            return hold(streak + ", but " + why, observed);
        }
        Rung to = ladder.rung(chosen);
        String reason = String.format(Locale.ROOT, "%s; rung %d -> %d: decode speed-up %.2fx vs dense, expected p95 x%.2f,"
                + " perplexity ratio %s within %s", streak, from, chosen, to.decodeSpeedup(), ladder.latencyRatio(from, chosen),
                ratio(to.perplexityRatio()), ratio(spec.maxPerplexityRatio())) + backOff(now, window);
        return move(Action.SPARSER, chosen, now, window, reason, observed, expectations(from, chosen));
    }

    private ControlDecision denser(SloAssessment slo, String streak, WindowSummary window, Instant now, Map<String, Double> observed) {
        int from = memory.currentRung;
        if (from == 0) {
            return hold(streak + "; already dense", observed);
        }
        int to = from - 1;
        String blocked = memory.blocker(ladder, to, now);
        if (blocked != null) {
            return hold(streak + ", but " + blocked, observed);
        }
        double aim = bandMiddle();
        double expected = slo.worstRatio() * ladder.latencyRatio(from, to);
        if (expected > aim) {
            return hold(streak + ", but on rung " + to + " the tightest p95 is expected at " + percent(expected)
                    + " of its target, above the " + aimPercent(aim) + " a denser move may aim for", observed);
        }
        double atPeak = memory.recentPeak() / ladder.rung(to).decodeSpeedup();
        if (atPeak > aim) {
            return hold(streak + ", but the peak of the last " + wholeSeconds(horizon(window, PEAK_COOLDOWNS)) + " at this load would put the"
                    + " tightest p95 at " + percent(atPeak) + " of its target on rung " + to + ", above the " + aimPercent(aim), observed);
        }
        String reason = streak + "; rung " + from + " -> " + to + ", tightest p95 expected at " + percent(expected) + " of its target"
                + lighterLoadNote(to, now);
        memory.backoff = memory.backoff.afterDenser(now, memory.recentHeadroomPeak());
        return move(Action.DENSER, to, now, window, reason, observed, expectations(from, to));
    }

    /**
     * What "recent" means to the controller: how long a rung that backfired stays barred, and how
     * soon a sparser move must follow a denser one to count as undoing it. At least one window per cool-down.
     */
    private Duration recentSpan(WindowSummary window) {
        return horizon(window, PENALTY_COOLDOWNS);
    }

    /** {@code cooldowns} cool-downs, at least one window each. */
    private Duration horizon(WindowSummary window, int cooldowns) {
        return (spec.cooldown().compareTo(window.length()) > 0 ? spec.cooldown() : window.length()).multipliedBy(cooldowns);
    }

    private int headroomWindowsNeeded() {
        return memory.backoff.headroomWindows(spec.headroomWindows(), memory.recentHeadroomPeak());
    }

    /**
     * Whether headroom windows peaking at {@code recentPeak} requests/s run clearly lighter than
     * {@code load} (false if either is unknown). Loads are compared as the peak of the spec's
     * headroom streak's worth of latest windows: those a denser move is based on.
     */
    static boolean lighterLoad(double recentPeak, double load) {
        return lighterLoad(recentPeak, load, LIGHTER_LOAD);
    }

    /** Whether {@code recentPeak} is more than {@code by} (a fraction) below {@code load}; false if either is unknown. */
    static boolean lighterLoad(double recentPeak, double load, double by) {
        return recentPeak > 0 && load > 0 && recentPeak < load * (1 - by);
    }

    /** Says so when a denser move to {@code to} goes ahead only because the load fell since the last one failed. */
    private String lighterLoadNote(int to, Instant now) {
        Bar bar = memory.penalties.get(to);
        boolean barLifted = bar != null && bar.until().isAfter(now);
        double peak = memory.recentHeadroomPeak();
        if (!barLifted && !memory.backoff.waivedAt(peak)) {
            return "";
        }
        double load = barLifted ? bar.load() : memory.backoff.load();
        return String.format(Locale.ROOT, "; the load (peak %.1f/s) is under %.0f%% of the %.1f/s the failed denser move was made at,"
                + " so its %s does not apply", peak, (1 - LIGHTER_LOAD) * 100, load, barLifted ? "bar" : "back-off");
    }

    /** Records a move towards sparser; if it undoes a recent denser move, says how much longer the next one waits. */
    private String backOff(Instant now, WindowSummary window) {
        DenserBackoff before = memory.backoff;
        Duration recent = recentSpan(window);
        memory.backoff = before.afterSparser(now, recent);
        if (!before.undoneBy(now, recent)) {
            return "";
        }
        return "; it undoes the denser move of " + secondsSince(before.lastDenserAt(), now) + " ago, so the next denser move needs "
                + headroomWindowsNeeded() + " headroom windows";
    }

    /** Where moves aim the tightest p95, as a share of its target: the middle of the band between headroom and the guard line. */
    private double bandMiddle() {
        return (spec.guardFraction() + spec.headroomFraction()) / 2;
    }

    /** The aim as a percentage, with a decimal where it has one (82.5% under a 95% guard), so it never reads as equal to a rounded expectation above it. */
    private static String aimPercent(double aim) {
        String p = String.format(Locale.ROOT, "%.1f", aim * 100);
        return (p.endsWith(".0") ? p.substring(0, p.length() - 2) : p) + "%";
    }

    /** Applies a move; {@code basis} is the window a verdict will compare against, null when none is due. */
    private ControlDecision move(Action action, int to, Instant now, WindowSummary basis, String reason,
                                 Map<String, Double> observed, Map<String, Double> expected) {
        int from = memory.currentRung;
        memory.moved(to, now, basis == null ? null : from, basis);
        return new ControlDecision(action, from, to, reason, observed, expected);
    }

    private Map<String, Double> expectations(int from, int to) {
        Rung r = ladder.rung(to);
        return Map.of("decode_speedup", r.decodeSpeedup(), "perplexity_ratio", r.perplexityRatio(),
                "latency_ratio", ladder.latencyRatio(from, to));
    }

    private ControlDecision hold(String reason, Map<String, Double> observed) {
        return ControlDecision.hold(memory.currentRung, reason, observed);
    }

    private String holdReason(SloAssessment slo) {
        return switch (slo.verdict()) {
            case VIOLATED -> slo.describe() + " for " + memory.violationStreak + " of " + spec.violationWindows() + " window(s) needed";
            case HEADROOM -> "headroom: " + slo.describe() + " for " + memory.headroomStreak + " of " + headroomWindowsNeeded() + " window(s) needed";
            default -> "within SLO: " + slo.describe();
        };
    }

    private static String secondsSince(Instant then, Instant now) {
        return wholeSeconds(Duration.between(then, now));
    }

    private static String wholeSeconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }
}
