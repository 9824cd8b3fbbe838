package dev.iris.cli;

import picocli.CommandLine.Command;

/** {@code iris job}: the group of job commands. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    description = "Submit, inspect and kill jobs.",
    subcommands = {
      JobRunCommand.class,
      JobStatusCommand.class,
      JobListCommand.class,
      JobLogsCommand.class,
      JobKillCommand.class
    })
final class JobCommand extends CommandGroup {}
