package dev.arborist.bench;

import dev.arborist.cli.DurationConverter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.cli.demo.Baseline;
import dev.arborist.cli.demo.DemoReport;
import dev.arborist.cli.demo.DemoRun;
import dev.arborist.cli.demo.InputPolicyOutcome;
import dev.arborist.cli.demo.LatencyChart;
import dev.arborist.cli.demo.Scenario;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The agent against its two baselines on the same load: the load-step scenario run three times on
 * one model, as {@code arborist demo} runs it (embedded Kafka, serving, the agent, open-loop HTTP
 * traffic). First the agent decides the rung; it also calibrates the base rate and the SLO on this
 * machine. Then every request is pinned to dense, then to the ladder's sparsest rung, through
 * serving's admin API, at the same base rate, SLO and traffic seed. The agent runs in all three,
 * so the CPU does the same work besides serving; only the served rung differs. Goals: at least 99%
 * of windows within the SLO after convergence, quality loss at most half of always-sparsest's.
 *
 * <p>With {@code --scenario mixed} the same three runs show the per-input policy instead: per traffic class, the rung
 * the agent's table gave it, what that rung cost the class (its shadow profiles) and the class's mean latency under
 * each policy.
 *
 * <p>Usage: {@code bench/run control [--model DIR] [--scenario load-step] [--duration 150s] [--window 5s] [--tokens 24] [--rate R] [--slo S]
 * [--out bench/results]}.
 * {@code --rate} (req/s at load 1) and {@code --slo} (e2e p95 seconds) replace the agent run's calibration, e.g. to repeat
 * an earlier run's load. Writes control.md (the table), control.png (p95 over time of the three runs against the SLO) and
 * control.json (the three demo reports, timelines included) to OUT.
 */
public final class ControlBench {
    /** As {@code arborist demo}'s defaults: the agent may spend +15% held-out perplexity; 24 generated tokens per request unless --tokens. */
    private static final double QUALITY_BUDGET = 0.15;
    private static final String MAX_TOKENS = "24";
    private static final long SEED = 7;
    private static final double GOAL_ATTAINMENT = 0.99;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One run of the scenario under one policy. */
    private record Run(String policy, DemoReport report) {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(Stats.arg(args, "--model", "models/arborist-moe-6x8"));
        Duration duration = DurationConverter.parse(Stats.arg(args, "--duration", "150s"));
        Duration window = DurationConverter.parse(Stats.arg(args, "--window", "5s"));
        Path out = Path.of(Stats.arg(args, "--out", "bench/results"));
        Scenario scenario = Scenario.of(Stats.arg(args, "--scenario", Scenario.LOAD_STEP.label()));
        int maxTokens = Integer.parseInt(Stats.arg(args, "--tokens", MAX_TOKENS));
        String command = String.join(" ", "bench/run control", String.join(" ", args)).strip();
        Double rate = number(Stats.arg(args, "--rate", null));
        Double slo = number(Stats.arg(args, "--slo", null));
        String machine = machine();
        System.err.println("control bench: " + machine);

        DemoRun.Settings agent = new DemoRun.Settings(model, scenario, duration, 0, 0, window, rate, slo, QUALITY_BUDGET, maxTokens,
                SEED, false, Baseline.AGENT);
        Run byAgent = run("agent", agent);
        DemoRun.Settings calibrated = agent.withLoad(byAgent.report().baseRate(), byAgent.report().sloSeconds());
        Run dense = run("always dense", calibrated.withBaseline(Baseline.DENSE));
        Run sparsest = run("always sparsest", calibrated.withBaseline(Baseline.SPARSEST));

        List<Run> runs = List.of(byAgent, dense, sparsest);
        String markdown = markdown(command, machine, model, window, rate == null || slo == null, runs);
        Files.createDirectories(out);
        Files.writeString(out.resolve("control.md"), markdown);
        chart(model, runs, out.resolve("control.png"));
        json(command, machine, runs, out.resolve("control.json"));
        System.out.print(markdown);
        System.err.println("control bench: wrote " + out.resolve("control.md") + ", control.png and control.json");
    }

    private static Run run(String policy, DemoRun.Settings settings) throws Exception {
        String prefix = "[" + settings.baseline().label() + "] ";
        try (DemoRun run = DemoRun.prepare(settings, line -> System.err.println(prefix + line))) {
            return new Run(policy, run.run());
        }
    }

    private static String markdown(String command, String machine, Path model, Duration window, boolean calibrated, List<Run> runs) {
        DemoReport first = runs.get(0).report();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Command: `%s`%n%n", command));
        md.append(String.format(Locale.ROOT, "Model %s, scenario %s for %.0f s, control window %d s; "
                        + "%s: base rate %.2f req/s, SLO e2e p95 <= %.2f s; %s.%n%n",
                model.getFileName(), first.scenario(), first.durationSeconds(), window.toSeconds(), calibrated ? "calibrated by the agent's run" : "given", first.baseRate(), first.sloSeconds(), machine));
        md.append("| policy | SLO attainment | after convergence | the same over 15 / 30 / 60 s windows | convergence s | plan swaps | rung changes"
                + " | mean perplexity ratio | quality loss | failed requests |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            DemoReport d = r.report();
            String byWindow = d.attainmentByWindow().values().stream().map(ControlBench::percent).collect(Collectors.joining(" / "));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %d | %s | %s | %d of %d |%n", r.policy(), percent(d.sloAttainment()),
                    percent(d.sloAttainmentAfterConvergence()), byWindow, Double.isNaN(d.convergenceSeconds()) ? "never" : String.format(Locale.ROOT, "%.0f",
                            d.convergenceSeconds()), d.swaps(), d.rungChanges(), ratio(d.meanPerplexityRatio()), loss(d.meanPerplexityRatio()),
                    d.failedRequests(), d.requests()));
        }
        md.append(goals(first, runs.get(2).report()));
        md.append(perClass(runs));
        md.append("\nUnder a pin, plan swaps and rung changes are still the agent's (it runs in every case); the pin overrides them. "
                + "The mean perplexity ratio averages, over the windows, the served rung's held-out perplexity ratio in the ladder of the "
                + "plan served at the end of the run; quality loss is that mean minus 1. The 15 / 30 / 60 s columns judge the same requests "
                + "over longer evaluation windows (p95 of the requests finishing in each), leaving out the same converging spans.\n");
        return md.toString();
    }

    /**
     * The two goals for the agent's run. A change that never converged leaves the rest of the run out of
     * "after convergence", so a high share there counts only when every change converged.
     */
    private static String goals(DemoReport agent, DemoReport sparsest) {
        double after = agent.sloAttainmentAfterConvergence();
        boolean converged = !Double.isNaN(agent.convergenceSeconds());
        double loss = agent.meanPerplexityRatio() - 1;
        double half = (sparsest.meanPerplexityRatio() - 1) / 2;
        return String.format(Locale.ROOT, "%nGoals: after convergence %s of windows within the SLO (goal >= %.0f%%)%s: %s; quality loss %s "
                        + "against half of always-sparsest's %s: %s.%n", percent(after), 100 * GOAL_ATTAINMENT,
                converged ? "" : ", but a change never converged and the windows after it are left out", converged && after >= GOAL_ATTAINMENT
                        ? "met" : "NOT met", loss(agent.meanPerplexityRatio()), String.format(Locale.ROOT, "%+.3f", half), loss <= half ? "met" : "NOT met");
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

    private static void json(String command, String machine, List<Run> runs, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode().put("command", command).put("machine", machine);
        ObjectNode reports = root.putObject("runs");
        for (Run r : runs) {
            reports.set(r.report().baseline().label(), r.report().toJson());
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
            throw new IllegalArgumentException("--rate and --slo must be positive, got " + value);
        }
        return v;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.3f", r);
    }

    private static String loss(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%+.3f", r - 1);
    }
}
