package dev.iris.cli;

import picocli.CommandLine.Command;

/** {@code iris endpoint}: the group of endpoint commands. */
@Command(
    name = "endpoint",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    description = "Inspect endpoints that running tasks registered.",
    subcommands = EndpointListCommand.class)
final class EndpointCommand extends CommandGroup {}
