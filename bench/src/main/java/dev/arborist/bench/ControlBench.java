package dev.arborist.bench;

import dev.arborist.cli.DurationConverter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.cli.demo.Baseline;
import dev.arborist.cli.demo.DemoReport;
import dev.arborist.cli.demo.DemoRun;
import dev.arborist.cli.demo.InputPolicyOutcome;
import dev.arborist.cli.demo.LatencyChart;
import dev.arborist.cli.demo.Scenario;
import dev.arborist.policies.control.SloSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The agent against its two baselines on the same load: the load-step scenario run three times on
 * one model, as {@code arborist demo} runs it (embedded Kafka, serving, the agent, open-loop HTTP
 * traffic). In one run the agent decides the rung; the first agent run also calibrates the base rate
 * and the SLO on this machine. In the others every request is pinned to dense, or to the ladder's
 * sparsest rung, through serving's admin API, at the same base rate, SLO and traffic seed; repeats
 * rotate the order of the three runs. The agent runs in all three,
 * so the CPU does the same work besides serving; only the served rung differs. Goals: at least 99%
 * of windows within the SLO after convergence, quality loss at most half of always-sparsest's.
 *
 * <p>With {@code --scenario mixed} the same three runs show the per-input policy instead: per traffic class, the rung
 * the agent's table gave it, what that rung cost the class (its shadow profiles) and the class's mean latency under
 * each policy.
 *
 * <p>Usage: {@code bench/run control [--model DIR] [--scenario load-step] [--duration 150s] [--window 5s] [--tokens 24] [--rate R] [--slo S]
 * [--repeats 1] [--guard F] [--surge F] [--out bench/results]}. {@code --guard F} sets the agent's SLO {@code guard_fraction};
 * {@code --surge F} lets serving run steps sparser than the agent's rung once the oldest request has waited F of the SLO
 * (the baselines' pins override it). {@code --repeats N} runs the three policies N times, on traffic seeds 7, 8, ..., and
 * adds a line per repeat and the medians: one run at one load shows little on a noisy machine.
 * {@code --rate} (req/s at load 1) and {@code --slo} (e2e p95 seconds) replace the agent run's calibration, e.g. to repeat
 * an earlier run's load. Writes control.md (the tables), control.png (p95 over time of the three runs against the SLO; control-2.png
 * and so on for later repeats) and control.json (the demo reports, timelines included) to OUT.
 */
public final class ControlBench {
    /** As {@code arborist demo}'s defaults: the agent may spend +15% held-out perplexity; 24 generated tokens per request unless --tokens. */
    private static final double QUALITY_BUDGET = 0.15;
    private static final String MAX_TOKENS = "24";
    private static final long SEED = 7;
    private static final double GOAL_ATTAINMENT = 0.99;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Map<Baseline, String> POLICY_NAMES = Map.of(Baseline.AGENT, "agent", Baseline.DENSE, "always dense",
            Baseline.SPARSEST, "always sparsest");

    /** One run of the scenario under one policy. */
    private record Run(String policy, DemoReport report) {}

    /** The three policies on one traffic seed: runs in the order agent, dense, sparsest; {@code order} as they ran. */
    private record Trial(long seed, List<Run> runs, List<Baseline> order) {
        DemoReport agent() {
            return runs.get(0).report();
        }

        DemoReport dense() {
            return runs.get(1).report();
        }

        DemoReport sparsest() {
            return runs.get(2).report();
        }
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        Duration duration = DurationConverter.parse(Stats.arg(args, "--duration", "150s"));
        Duration window = DurationConverter.parse(Stats.arg(args, "--window", "5s"));
        Path out = Path.of(Stats.arg(args, "--out", "bench/results"));
        Scenario scenario = Scenario.of(Stats.arg(args, "--scenario", Scenario.LOAD_STEP.label()));
        int maxTokens = Integer.parseInt(Stats.arg(args, "--tokens", MAX_TOKENS));
        int repeats = Integer.parseInt(Stats.arg(args, "--repeats", "1"));
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        }
        String command = String.join(" ", "bench/run control", String.join(" ", args)).strip();
        Double rate = number(Stats.arg(args, "--rate", null));
        Double slo = number(Stats.arg(args, "--slo", null));
        Double guard = number(Stats.arg(args, "--guard", null));
        Double surge = number(Stats.arg(args, "--surge", null));
        Consumer<SloSpec.Builder> sloTuning = guard == null ? spec -> { } : spec -> spec.guardFraction(guard);
        String machine = machine();
        System.err.println("control bench: " + machine);

        DemoRun.Settings settings = new DemoRun.Settings(model, scenario, duration, 0, 0, window, rate, slo, QUALITY_BUDGET, maxTokens,
                SEED, false, Baseline.AGENT, surge == null ? 0 : surge);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            System.err.printf(Locale.ROOT, "control bench: repeat %d of %d, traffic seed %d%n", i + 1, repeats, SEED + i);
            Trial trial = trial(settings.withSeed(SEED + i), i, sloTuning);
            trials.add(trial);
            // the first agent run calibrates load and SLO (unless given); every later run repeats them
            settings = settings.withLoad(trial.agent().baseRate(), trial.agent().sloSeconds());
        }

        String markdown = markdown(command, machine, model, window, rate == null || slo == null, trials);
        Files.createDirectories(out);
        Files.writeString(out.resolve("control.md"), markdown);
        for (int i = 0; i < trials.size(); i++) {
            chart(model, trials.get(i).runs(), out.resolve(i == 0 ? "control.png" : "control-" + (i + 1) + ".png"));
        }
        json(command, machine, trials, out.resolve("control.json"));
        System.out.print(markdown);
        System.err.println("control bench: wrote " + out.resolve("control.md") + ", the charts and control.json");
    }

    /**
     * The agent, dense and sparsest at one load and SLO. The order rotates with the repeat, so no policy always runs
     * first in a fresh JVM (or last, after the others' runs): agent, dense, sparsest; then dense, sparsest, agent; and
     * so on. While load and SLO are still unknown the agent goes first: its run calibrates them.
     */
    private static Trial trial(DemoRun.Settings settings, int repeat, Consumer<SloSpec.Builder> sloTuning) throws Exception {
        List<Baseline> order = new ArrayList<>(List.of(Baseline.AGENT, Baseline.DENSE, Baseline.SPARSEST));
        boolean calibrated = settings.baseRate() != null && settings.sloSeconds() != null;
        Collections.rotate(order, calibrated ? -repeat : 0);
        Map<Baseline, Run> runs = new EnumMap<>(Baseline.class);
        for (Baseline policy : order) {
            Run r = run(POLICY_NAMES.get(policy), settings.withBaseline(policy), sloTuning);
            runs.put(policy, r);
            settings = settings.withLoad(r.report().baseRate(), r.report().sloSeconds());
        }
        return new Trial(settings.seed(), List.of(runs.get(Baseline.AGENT), runs.get(Baseline.DENSE), runs.get(Baseline.SPARSEST)), order);
    }

    private static Run run(String policy, DemoRun.Settings settings, Consumer<SloSpec.Builder> sloTuning) throws Exception {
        String prefix = "[" + settings.baseline().label() + "] ";
        try (DemoRun run = DemoRun.prepare(settings, line -> System.err.println(prefix + line), sloTuning)) {
            return new Run(policy, run.run());
        }
    }

    private static String markdown(String command, String machine, Path model, Duration window, boolean calibrated, List<Trial> trials) {
        DemoReport first = trials.get(0).agent();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Command: `%s`%n%n", command));
        md.append(String.format(Locale.ROOT, "Model %s, scenario %s for %.0f s, control window %d s; "
                        + "%s: base rate %.2f req/s, SLO e2e p95 <= %.2f s; %s.%n%n",
                model.getFileName(), first.scenario(), first.durationSeconds(), window.toSeconds(), calibrated ? "calibrated by the agent's run" : "given", first.baseRate(), first.sloSeconds(), machine));
        if (trials.size() > 1) {
            md.append(summary(trials));
        }
        for (int i = 0; i < trials.size(); i++) {
            Trial trial = trials.get(i);
            if (trials.size() > 1) {
                md.append(String.format(Locale.ROOT, "%n### Repeat %d: traffic seed %d (ran %s)%n%n", i + 1, trial.seed(),
                        trial.order().stream().map(POLICY_NAMES::get).collect(Collectors.joining(", "))));
            }
            md.append(table(trial));
            md.append(goals(trial));
            md.append(perClass(trial.runs()));
        }
        md.append("\nUnder a pin, plan swaps and rung changes are still the agent's (it runs in every case); the pin overrides them. "
                + "Quality loss is a mean held-out perplexity ratio minus 1, the ratios those of the ladder of the plan served at the end "
                + "of the run: by window, of the rung the controller (or the pin) set in each window; by token, of the rung of the step "
                + "that generated each token, which also counts the classes the per-input table sent sparser and the steps their rows "
                + "shared. The goals judge the loss by token. The 15 / 30 / 60 s columns judge the same requests "
                + "over longer evaluation windows (p95 of the requests finishing in each), leaving out the same converging spans.\n");
        return md.toString();
    }

    private static String table(Trial trial) {
        StringBuilder md = new StringBuilder("| policy | SLO attainment | after convergence | the same over 15 / 30 / 60 s windows | convergence s"
                + " | plan swaps | rung changes | quality loss by window / by token | failed requests |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : trial.runs()) {
            DemoReport d = r.report();
            String byWindow = d.attainmentByWindow().values().stream().map(ControlBench::percent).collect(Collectors.joining(" / "));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %d | %s / %s | %d of %d |%n", r.policy(), percent(d.sloAttainment()),
                    percent(d.sloAttainmentAfterConvergence()), byWindow, Double.isNaN(d.convergenceSeconds()) ? "never" : String.format(Locale.ROOT, "%.0f",
                            d.convergenceSeconds()), d.swaps(), d.rungChanges(), loss(d.meanPerplexityRatio()), loss(d.tokenPerplexityRatio()),
                    d.failedRequests(), d.requests()));
        }
        return md.toString();
    }

    /** One line per repeat and the medians: the goals hold only if they hold run after run. */
    private static String summary(List<Trial> trials) {
        StringBuilder md = new StringBuilder("| repeat (seed) | agent after convergence | always dense | always sparsest | agent quality loss by token"
                + " | half of always-sparsest's | goals |\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < trials.size(); i++) {
            Trial t = trials.get(i);
            md.append(String.format(Locale.ROOT, "| %d (%d) | %s | %s | %s | %s | %+.3f | %s |%n", i + 1, t.seed(),
                    percent(t.agent().sloAttainmentAfterConvergence()), percent(t.dense().sloAttainmentAfterConvergence()),
                    percent(t.sparsest().sloAttainmentAfterConvergence()), loss(tokenRatio(t.agent())), halfLoss(t.sparsest()),
                    verdict(t)));
        }
        md.append(String.format(Locale.ROOT, "| median | %s | %s | %s | %s | %+.3f | attainment met in %d of %d, quality in %d of %d |%n",
                percent(median(trials, t -> t.agent().sloAttainmentAfterConvergence())),
                percent(median(trials, t -> t.dense().sloAttainmentAfterConvergence())),
                percent(median(trials, t -> t.sparsest().sloAttainmentAfterConvergence())),
                loss(median(trials, t -> tokenRatio(t.agent()))), median(trials, t -> halfLoss(t.sparsest())),
                trials.stream().filter(t -> attainmentMet(t.agent())).count(), trials.size(),
                trials.stream().filter(ControlBench::qualityMet).count(), trials.size()));
        return md.toString();
    }

    /**
     * The two goals for the agent's run. A change that never converged leaves the rest of the run out of
     * "after convergence", so a high share there counts only when every change converged.
     */
    private static String goals(Trial trial) {
        DemoReport agent = trial.agent();
        boolean converged = !Double.isNaN(agent.convergenceSeconds());
        return String.format(Locale.ROOT, "%nGoals: after convergence %s of windows within the SLO (goal >= %.0f%%)%s: %s; quality loss by token %s "
                        + "against half of always-sparsest's %+.3f: %s.%n", percent(agent.sloAttainmentAfterConvergence()), 100 * GOAL_ATTAINMENT,
                converged ? "" : ", but a change never converged and the windows after it are left out", attainmentMet(agent) ? "met" : "NOT met",
                loss(tokenRatio(agent)), halfLoss(trial.sparsest()), qualityMet(trial) ? "met" : "NOT met");
    }

    /** "both met", or which goal a repeat missed. */
    private static String verdict(Trial trial) {
        List<String> missed = new ArrayList<>();
        if (!attainmentMet(trial.agent())) {
            missed.add("attainment NOT met");
        }
        if (!qualityMet(trial)) {
            missed.add("quality NOT met");
        }
        return missed.isEmpty() ? "both met" : String.join(", ", missed);
    }

    private static boolean attainmentMet(DemoReport agent) {
        return !Double.isNaN(agent.convergenceSeconds()) && agent.sloAttainmentAfterConvergence() >= GOAL_ATTAINMENT;
    }

    private static boolean qualityMet(Trial trial) {
        return tokenRatio(trial.agent()) - 1 <= halfLoss(trial.sparsest());
    }

    private static double halfLoss(DemoReport sparsest) {
        return (tokenRatio(sparsest) - 1) / 2;
    }

    /** The quality served by token; by window when serving did not count tokens by rung. */
    private static double tokenRatio(DemoReport d) {
        return Double.isNaN(d.tokenPerplexityRatio()) ? d.meanPerplexityRatio() : d.tokenPerplexityRatio();
    }

    private static double median(List<Trial> trials, ToDoubleFunction<Trial> value) {
        double[] sorted = trials.stream().mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Per traffic class: the agent's table entry and the class's mean latency under each policy; empty without a table. */
    private static String perClass(List<Run> runs) {
        InputPolicyOutcome agent = runs.get(0).report().inputPolicy();
        if (agent == null) {
            return "";
        }
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nPer-input policy: the agent's first table came %.1f s into the "
                + "traffic. Per class, the entries of its final table (rung, what the rung cost the class's profiled requests, how many) "
                + "and the mean e2e latency of the requests sent after the first table, under each policy:%n%n", agent.firstTableSeconds()));
        md.append("| class | agent's table | mean e2e: ").append(runs.stream().map(Run::policy).collect(Collectors.joining(" | "))).append(" |\n");
        md.append("|---|---|").append("---|".repeat(runs.size())).append("\n");
        for (InputPolicyOutcome.ClassLatency c : agent.classes()) {
            if (c.requestsAfter() == 0) {
                continue;
            }
            String entries = agent.table().entries().stream().filter(e -> e.sloClass().equals(c.sloClass()) && e.signature() == null)
                    .map(e -> String.format(Locale.ROOT, "%s: rung %d, %+.1f%% over %d", e.lengthBucket(), e.rung(), 100 * Math.expm1(e.meanDropNats()),
                            e.samples())).collect(Collectors.joining("; "));
            md.append("| ").append(c.sloClass()).append(" | ").append(entries.isEmpty() ? "base rung" : entries).append(" |");
            for (Run r : runs) {
                InputPolicyOutcome inputs = r.report().inputPolicy();
                md.append(inputs == null ? " n/a |" : String.format(Locale.ROOT, " %.3f s |", inputs.of(c.sloClass()).meanE2eAfter()));
            }
            md.append("\n");
        }
        return md.toString();
    }

    private static void chart(Path model, List<Run> runs, Path png) throws IOException {
        LatencyChart chart = new LatencyChart(model.getFileName() + ", " + runs.get(0).report().scenario() + ": p95 per window by policy, same load and SLO");
        for (Run r : runs) {
            chart.p95(r.policy(), r.report().timeline());
        }
        chart.slo(runs.get(0).report().timeline()).save(png);
    }

    private static void json(String command, String machine, List<Trial> trials, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode().put("command", command).put("machine", machine);
        ArrayNode repeats = root.putArray("repeats");
        for (Trial t : trials) {
            ObjectNode trial = repeats.addObject().put("seed", t.seed());
            t.order().forEach(policy -> trial.withArray("order").add(policy.label()));
            ObjectNode reports = trial.putObject("runs");
            for (Run r : t.runs()) {
                reports.set(r.report().baseline().label(), r.report().toJson());
            }
        }
        Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    /** Cores and load average when the bench started: the runs are only comparable on a quiet machine. */
    private static String machine() {
        String load;
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            load = fields[0] + " / " + fields[1] + " / " + fields[2] + " (1 / 5 / 15 min)";
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            load = String.format(Locale.ROOT, "%.2f (1 min)", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        return Runtime.getRuntime().availableProcessors() + " cores, load average at start " + load + ", "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** @return null for null: the agent run calibrates it */
    private static Double number(String value) {
        if (value == null) {
            return null;
        }
        double v = Double.parseDouble(value);
        if (!(v > 0)) {
            throw new IllegalArgumentException("--rate, --slo, --guard and --surge must be positive, got " + value);
        }
        return v;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }


    private static String loss(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%+.3f", r - 1);
    }
}
