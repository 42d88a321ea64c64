package dev.arborist.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns expected failures (bad files, bad arguments) into one line naming the problem, exit code 2.
 * Anything else is a bug: its stack trace is printed.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        if (isUserError(e)) {
            cli.getErr().println("arborist " + cli.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        e.printStackTrace(cli.getErr());
        return 1;
    }

    private static boolean isUserError(Exception e) {
        return e instanceof IllegalArgumentException
                || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException
                || e instanceof dev.arborist.model.config.ModelFormatException
                || e instanceof dev.arborist.model.io.SafetensorsException
                || e instanceof dev.arborist.policies.plan.PlanFormatException
                || e instanceof CommandLine.ParameterException;
    }
}
