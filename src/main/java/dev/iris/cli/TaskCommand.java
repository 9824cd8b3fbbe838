package dev.iris.cli;

import picocli.CommandLine.Command;

/** {@code iris task}: the group of task commands. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    description = "Inspect the tasks of a job (task i of job J is J/task-i).",
    subcommands = {TaskListCommand.class, TaskStatusCommand.class})
final class TaskCommand extends CommandGroup {}
