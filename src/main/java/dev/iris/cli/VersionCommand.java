package dev.iris.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code iris version}: prints {@code iris <version>}, as {@code iris --version} does. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    description = "Print the version of Iris.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(IrisVersion.line());
    return ExitCodes.OK;
  }
}
