package dev.arborist.cli;

import dev.arborist.cli.demo.Baseline;
import dev.arborist.cli.demo.DemoReport;
import dev.arborist.cli.demo.DemoRun;
import dev.arborist.cli.demo.DomainRecovery;
import dev.arborist.cli.demo.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole loop on one machine: an embedded Kafka broker, serving, the agent and a traffic
 * generator, with a live status line and a report at the end. Its endpoints stay open while it
 * runs, so an OpenAI client, Prometheus or a browser can watch.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole loop locally: embedded Kafka, serving, the agent and generated traffic; "
                + "prints a live status line and writes a JSON report with a chart.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--scenario", defaultValue = "load-step", description = "load-step, domain-shift, steady or mixed (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--baseline", defaultValue = "agent",
            description = "Who picks the served rung: agent, or dense / sparsest to pin every request to rung 0 / the ladder's last rung "
                    + "through serving's admin API while the agent still runs (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--duration", defaultValue = "3m", converter = DurationConverter.class,
            description = "How long the scenario's traffic runs, after calibration (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--report", defaultValue = "demo-report.json", description = "JSON report; the chart goes beside it as .png (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--port", defaultValue = "8000", description = "Serving's HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--agent-port", defaultValue = "9464", description = "The agent's /metrics port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(names = "--window", defaultValue = "5s", converter = DurationConverter.class,
            description = "Control window of the agent and sketch interval of serving (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--rate", description = "Base load in requests/s (default: 30%% of the dense capacity measured at start).")
    Double rate;

    @Option(names = "--slo", description = "Target e2e p95 in seconds (default: 1.8x the dense p95 of the median control window measured at the base"
                    + " load; 3.5x for mixed).")
    Double slo;

    @Option(names = "--surge", paramLabel = "SHARE", defaultValue = "0",
            description = "Serving runs steps sparser than the agent's rung once the oldest request has waited this share of the SLO,"
                    + " e.g. 0.6; 0 turns it off (default: ${DEFAULT-VALUE}).")
    double surge;

    @Option(names = "--quality-budget", defaultValue = "0.15", description = "Largest held-out perplexity increase the agent may use (default: ${DEFAULT-VALUE}).")
    double qualityBudget;

    @Option(names = "--max-tokens", defaultValue = "24", description = "Tokens each generated request asks for (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        DemoRun.Settings settings = settings();
        AtomicBoolean finished = new AtomicBoolean();
        DemoRun run = DemoRun.prepare(settings, line -> System.err.println("arborist demo: " + line));
        Thread stopper = new Thread(() -> {
            if (!finished.get()) {
                System.err.println("arborist demo: interrupted, stopping traffic, agent, serving and Kafka");
                run.close();
            }
        }, "arborist-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            DemoReport result = run.run();
            Path chart = result.write(report);
            System.err.printf(Locale.ROOT, "arborist demo (%s): %d requests, %d failed, %d swaps, %d rung changes; p95 within SLO in %.0f%% "
                            + "of windows (%.0f%% after convergence); perplexity ratio %.3f by window, %.3f by token; report %s, chart %s%n",
                    result.baseline().label(), result.requests(), result.failedRequests(), result.swaps(), result.rungChanges(),
                    100 * result.sloAttainment(), 100 * result.sloAttainmentAfterConvergence(), result.meanPerplexityRatio(), result.tokenPerplexityRatio(), report, chart);
            if (result.domainRecovery() != null) {
                DomainRecovery.RungScore r = result.domainRecovery().sparsest();
                System.err.printf(Locale.ROOT, "on the new domain's text at the rebuilt plan's sparsest level (%s), perplexity ratio %.3f with the"
                        + " old plan's unit order, %.3f with the rebuilt one's, which runs %d experts and %d FFN channels the old one trimmed%n",
                        r.level(), r.before(), r.after(), r.expertsRestored(), r.channelsRestored());
            }
            return 0;
        } finally {
            finished.set(true);
            run.close();
            Runtime.getRuntime().removeShutdownHook(stopper);
        }
    }

    private DemoRun.Settings settings() {
        if (!Files.isRegularFile(model.model.resolve("config.json"))) {
            throw new IllegalArgumentException("model directory " + model.model + " has no config.json");
        }
        for (String text : new String[] {"eval.txt", "calib.txt"}) {
            if (!Files.isRegularFile(model.model.resolve(text))) {
                throw new IllegalArgumentException("the demo needs " + model.model.resolve(text) + " (held-out prompts and calibration text)");
            }
        }
        require(port >= 0 && port <= 65535, "--port must be in 0..65535, got " + port);
        require(agentPort >= 0 && agentPort <= 65535, "--agent-port must be in 0..65535, got " + agentPort);
        require(!duration.isNegative() && duration.toSeconds() >= 10, "--duration must be at least 10s, got " + duration);
        require(window.toMillis() >= 1000, "--window must be at least 1s, got " + window);
        require(rate == null || rate > 0, "--rate must be positive");
        require(slo == null || slo > 0, "--slo must be positive");
        require(qualityBudget > 0 && qualityBudget < 10, "--quality-budget must be in (0, 10), e.g. 0.15 for +15%");
        require(maxTokens >= 1 && maxTokens <= 256, "--max-tokens must be in 1..256");
        require(surge >= 0 && surge < 1, "--surge must be a share of the SLO in [0, 1), e.g. 0.6 (0: off), got " + surge);
        return new DemoRun.Settings(model.model, Scenario.of(scenario), duration, port, agentPort, window, rate, slo, qualityBudget, maxTokens, seed, false,
                Baseline.of(baseline), surge);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
