package dev.iris.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code iris job}, {@code iris task}, ...). Run on its own it
 * is a usage error that names the subcommands.
 */
abstract class CommandGroup implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw missingSubcommand(spec);
  }

  /** {@code 'job' needs a subcommand: run, status, list, logs, kill}. */
  static ParameterException missingSubcommand(CommandSpec spec) {
    String names = String.join(", ", spec.subcommands().keySet());
    String message = spec.root() == spec
        ? "missing a command; use one of: " + names
        : "'" + qualifiedWithoutRoot(spec) + "' needs a subcommand: " + names;
    return new ParameterException(spec.commandLine(), message);
  }

  /** {@code job run} for {@code iris job run}. */
  static String qualifiedWithoutRoot(CommandSpec spec) {
    String qualified = spec.qualifiedName();
    int space = qualified.indexOf(' ');
    return space < 0 ? qualified : qualified.substring(space + 1);
  }
}
