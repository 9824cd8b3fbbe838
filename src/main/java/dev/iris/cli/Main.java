package dev.iris.cli;

import dev.iris.worker.runtime.ChildProcessDefaults;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The entry point of {@code iris} (the jar's main class). {@link #run} executes the command tree in
 * process and returns the exit code, so tests and embedders never hit {@link System#exit}.
 */
public final class Main {
  /** Set to {@code 1} to print stack traces of errors. */
  static final String DEBUG_ENV_VAR = "IRIS_DEBUG";

  private Main() {}

  public static void main(String[] args) {
    ChildProcessDefaults.apply(); // first: the JDK reads these once (first process, first CompletableFuture)
    System.exit(run(System.out, System.err, args));
  }

  /** Runs {@code iris args...} with the real environment and the default backend. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    boolean interactive = out == System.out && System.console() != null;
    return run(new IrisBackend(), System.getenv(), interactive, out, err, args);
  }

  /**
   * Runs {@code iris args...} against {@code backend}.
   *
   * @param backend does the work of each command
   * @param environment the process environment ({@code IRIS_CONTROLLER_ADDRESS}, {@code IRIS_DEBUG})
   * @param interactive whether {@code out} is a terminal
   * @return the exit code ({@link ExitCodes})
   */
  public static int run(
      CliBackend backend,
      Map<String, String> environment,
      boolean interactive,
      PrintStream out,
      PrintStream err,
      String... args) {
    PrintWriter outWriter = new PrintWriter(out, true);
    PrintWriter errWriter = new PrintWriter(err, true);
    boolean debug = "1".equals(environment.get(DEBUG_ENV_VAR));
    CommandLine commandLine = commandLine(new IrisCommand(backend, environment, interactive), debug);
    commandLine.setOut(outWriter);
    commandLine.setErr(errWriter);
    try {
      return commandLine.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** The configured command tree: one-line error handlers, and {@code job run} taking argv as is. */
  static CommandLine commandLine(IrisCommand root, boolean debug) {
    CommandLine commandLine = new CommandLine(root)
        .setExecutionExceptionHandler(new FailureHandler(debug))
        .setParameterExceptionHandler(new UsageErrorHandler(debug));
    // After the first word of the command, everything belongs to it: iris job run python -u x.py
    commandLine.getSubcommands().get("job").getSubcommands().get("run").setStopAtPositional(true);
    useHelpLayout(commandLine);
    return commandLine;
  }

  /** Blank lines and headings between the sections of every command's help. */
  private static void useHelpLayout(CommandLine commandLine) {
    commandLine.getCommandSpec().usageMessage()
        .descriptionHeading("%n")
        .parameterListHeading("%nArguments:%n")
        .optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n");
    commandLine.getSubcommands().values().forEach(Main::useHelpLayout);
  }
}
