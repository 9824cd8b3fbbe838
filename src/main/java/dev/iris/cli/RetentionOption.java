package dev.iris.cli;

import dev.iris.controller.state.StoreConfig;
import picocli.CommandLine.Option;

/**
 * {@code --retain-finished N}: how many finished jobs the controller remembers, so that its memory and its state
 * directory stay bounded under an endless stream of jobs.
 */
final class RetentionOption {
  /** The most a controller may be asked to remember. */
  static final int MAX = 100_000_000;

  @Option(names = "--retain-finished", paramLabel = "N",
      defaultValue = "" + StoreConfig.JobRetention.DEFAULT_FINISHED_JOBS,
      description = "Finished jobs remembered, at most (child jobs counted): beyond that the oldest finished are "
          + "forgotten with their tasks, and dropped from the state directory at its next snapshot. Finished jobs "
          + "are also forgotten 24 h after they finished, or oldest first beyond 200,000 of their tasks "
          + "(default: ${DEFAULT-VALUE}).")
  int retainFinished;

  int checked(FlagChecks check) {
    return check.inRange("--retain-finished", retainFinished, 1, MAX);
  }
}
