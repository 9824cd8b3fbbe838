package dev.iris.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that does one action: {@link #call()} validates the flags into a request record and hands
 * it to the {@link CliBackend} in {@link #execute}. Subclasses implement only that one method.
 */
abstract class BackendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    IrisCommand root = IrisCommand.of(spec);
    CliOutput output =
        new CliOutput(spec.commandLine().getOut(), spec.commandLine().getErr(), root.interactive());
    return execute(root.backend(), output);
  }

  /** Validates this command's flags and runs the action on {@code backend}; returns the exit code. */
  protected abstract int execute(CliBackend backend, CliOutput output) throws Exception;

  /** Checks for this command's flags; each failed check is a usage error naming the flag. */
  protected FlagChecks check() {
    return new FlagChecks(spec);
  }
}
