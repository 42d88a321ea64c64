package dev.arborist.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arborist} command: one subcommand class per job. */
@Command(
        name = "arborist",
        mixinStandardHelpOptions = true,
        version = "arborist 0.1.0",
        description = "Continual, SLO-driven pruning for LLM serving.",
        subcommands = {InfoCommand.class, GenerateCommand.class, EvalCommand.class, TrainCommand.class, PruneCommand.class, SweepCommand.class, ServeCommand.class, KafkaCommand.class, LadderCommand.class, AgentCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }
}
