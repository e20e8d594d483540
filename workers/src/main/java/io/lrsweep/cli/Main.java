package io.lrsweep.cli;

import java.io.IOException;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code lrsweep} command line. */
@Command(name = "lrsweep", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        description = "Runs the large-learning-rate study (\"Where Do Large Learning Rates Lead Us?\") as Conductor workflows.",
        subcommands = {LocalCommand.class, WorkerCommand.class, SubmitCommand.class, StatusCommand.class,
                ResumeCommand.class, RegisterCommand.class, ReportCommand.class, GcCommand.class, BenchCommand.class,
                DemoCommand.class, ListCommand.class, CompareCommand.class, FuzzCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "let every library's warnings and notices through (DJL, libtorch, CUDA probes)")
    boolean verbose;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // Read before parsing: loggers and libtorch may start while the command line is parsed.
        if (Arrays.asList(args).contains("--verbose")) {
            Verbosity.letEverythingThrough();
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with lrsweep's error handling, for callers that run commands in-process (tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // Input mistakes and unreachable services get one clear line, not a stack trace.
                    if (e instanceof IllegalArgumentException || e instanceof IOException) {
                        cmd.getErr().println("lrsweep " + cmd.getCommandName() + ": " + e.getMessage());
                        return e instanceof IllegalArgumentException ? 2 : 1;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
