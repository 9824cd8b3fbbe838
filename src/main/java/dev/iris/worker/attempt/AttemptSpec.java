package dev.iris.worker.attempt;

import dev.iris.core.TaskId;
import java.time.Duration;
import java.util.Objects;

/**
 * What the lifecycle needs to know of an attempt's request (the rest of it, such as the command line and
 * environment, only the worker's shell reads).
 *
 * @param key the attempt's identity on this worker
 * @param task the task, parsed
 * @param acceptedSeq where this worker process accepted the RunTask (see the worker's admissions)
 * @param bundle whether a bundle must be fetched and unpacked before the command runs
 * @param setup whether a setup command runs before the command
 * @param ports whether the attempt asked for ports (released when it ends)
 * @param timeout how long the command may run; zero for no limit
 */
public record AttemptSpec(AttemptKey key, TaskId task, long acceptedSeq, boolean bundle, boolean setup,
    boolean ports, Duration timeout) {
  public AttemptSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /** Nothing to build: the command can start in the same step that prepares the directory. */
  public boolean startsAtOnce() {
    return !bundle && !setup;
  }
}
