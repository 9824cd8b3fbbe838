package dev.iris.cli;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root {@code iris} command. Holds what every subcommand shares: the {@link CliBackend} that does
 * the work, the process environment (for defaults such as {@code IRIS_CONTROLLER_ADDRESS}) and whether
 * stdout is a terminal. Subcommands reach it through {@link #of(CommandSpec)}.
 */
@Command(
    name = "iris",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = {
      "Run distributed jobs.",
      "A job is a command with resources and N replicas; the controller expands it into N tasks and "
          + "schedules them onto workers, which run them as processes.",
      "Start with 'iris local --demo', then 'iris job run --replicas 4 -- echo hello'."
    },
    subcommands = {
      LocalCommand.class,
      ControllerCommand.class,
      WorkerCommand.class,
      JobCommand.class,
      TaskCommand.class,
      EndpointCommand.class,
      VersionCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Environment:",
      "  IRIS_CONTROLLER_ADDRESS  controller of client commands (else localhost:10000)",
      "  IRIS_TLS_CA              CA certificate of a TLS controller (as --tls-ca)",
      "  IRIS_DEBUG=1             show the stack traces of errors",
      "",
      "Exit codes: 0 ok, 1 failure (the job failed, the controller refused or is unreachable), 2 bad usage."
    })
public final class IrisCommand implements Callable<Integer> {
  private final CliBackend backend;
  private final Map<String, String> environment;
  private final boolean interactive;

  @Spec CommandSpec spec;

  /** The command as {@code java -jar iris.jar} runs it: the real backend and environment. */
  public IrisCommand() {
    this(new IrisBackend(), System.getenv(), System.console() != null);
  }

  /**
   * @param backend does the work of each subcommand
   * @param environment the process environment, read for defaults
   * @param interactive whether stdout is a terminal
   */
  public IrisCommand(CliBackend backend, Map<String, String> environment, boolean interactive) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.environment = Map.copyOf(environment);
    this.interactive = interactive;
  }

  /** The root command of the tree {@code spec} belongs to. */
  static IrisCommand of(CommandSpec spec) {
    Object root = spec.root().userObject();
    if (root instanceof IrisCommand iris) {
      return iris;
    }
    throw new IllegalStateException("command " + spec.qualifiedName() + " is not under IrisCommand");
  }

  CliBackend backend() {
    return backend;
  }

  Map<String, String> environment() {
    return environment;
  }

  boolean interactive() {
    return interactive;
  }

  /** {@code iris} alone: a usage error listing the commands. */
  @Override
  public Integer call() {
    throw CommandGroup.missingSubcommand(spec);
  }
}
