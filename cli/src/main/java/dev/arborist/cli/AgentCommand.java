package dev.arborist.cli;

import dev.arborist.agent.Agent;
import dev.arborist.agent.AgentConfig;
import dev.arborist.policies.control.SloSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the policy agent of one deployment until interrupted; Ctrl-C stops it cleanly (snapshot saved, offsets committed). */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the policy agent: consume serving's telemetry from Kafka, keep the deployment within its SLO by moving "
                + "along an elastic ladder built from live statistics, and publish plans and decisions.")
final class AgentCommand implements Callable<Integer> {
    /** The SLO used without --config: e2e p95 under 2 s, at most +10% held-out perplexity. */
    static final double DEFAULT_E2E_P95 = 2.0;
    static final double DEFAULT_QUALITY_BUDGET = 0.10;

    @Mixin
    ModelOption model;

    @Option(names = "--kafka", required = true, description = "Kafka bootstrap servers (HOST:PORT[,...]).")
    String bootstrap;

    @Option(names = "--store", required = true, description = "Directory for plan artifacts and the agent's snapshot.")
    Path store;

    @Option(names = "--deployment", required = true, description = "The deployment to control (serving's --deployment).")
    String deployment;

    @Option(names = "--config", description = "SLO spec (YAML or JSON; one spec or a list, one per deployment). Without it: e2e p95 "
            + DEFAULT_E2E_P95 + " s, quality budget " + DEFAULT_QUALITY_BUDGET + ".")
    Path config;

    @Option(names = "--window", defaultValue = "60s", converter = DurationConverter.class,
            description = "Control window, e.g. 10s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--metrics-port", defaultValue = "9464", description = "Port of /metrics and /health/live, 0 for any (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--eval", description = "Held-out text for verification (default: eval.txt in the model directory).")
    Path eval;

    @Option(names = "--calib", description = "Calibration text for a first plan before serving has sent statistics (default: none: wait for them).")
    Path calib;

    @Override
    public Integer call() throws Exception {
        AgentConfig.Builder b = AgentConfig.builder(bootstrap, model.model, store, slo()).window(window).metricsPort(metricsPort)
                .calibFile(calib);
        if (eval != null) {
            b.evalFile(eval);
        }
        AgentConfig agentConfig = b.build();
        Agent agent = Agent.start(agentConfig);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }));
        System.err.printf(Locale.ROOT, "arborist agent: deployment %s, Kafka %s, window %s, metrics on :%d, store %s%n", deployment, bootstrap,
                window, agent.metricsPort(), store);
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!agent.alive()) {
                System.err.println("arborist agent: the control loop stopped: " + agent.failure());
                return 1;
            }
        }
        return 0;
    }

    /** The deployment's spec from --config, or the default one. */
    private SloSpec slo() {
        if (config == null) {
            System.err.printf(Locale.ROOT, "arborist agent: no --config; SLO e2e p95 %.1f s, quality budget %.2f%n", DEFAULT_E2E_P95,
                    DEFAULT_QUALITY_BUDGET);
            return SloSpec.builder(deployment).e2eP95Seconds(DEFAULT_E2E_P95).qualityBudget(DEFAULT_QUALITY_BUDGET).build();
        }
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("SLO spec not found: " + config);
        }
        List<SloSpec> specs = SloSpec.readAll(config);
        return specs.stream().filter(s -> s.deployment().equals(deployment)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                config + " has no SLO for deployment '" + deployment + "' (it has: "
                        + specs.stream().map(SloSpec::deployment).collect(Collectors.joining(", ")) + ")"));
    }
}
