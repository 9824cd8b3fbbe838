package dev.iris.worker.attempt;

import dev.iris.core.TaskState;
import java.time.Duration;
import java.util.Objects;

/**
 * A request to kill an attempt.
 *
 * @param grace how long the attempt's processes get between SIGTERM and SIGKILL
 * @param reason why, for the user: becomes the error of the KILLED state
 * @param ends what the attempt ends as: KILLED (asked for), or WORKER_FAILED (fenced: the worker lost its lease, and
 *     the task is retried elsewhere under its preemption budget)
 */
public record Kill(Duration grace, String reason, TaskState ends) {
  public Kill {
    Objects.requireNonNull(grace, "grace");
    if (ends != TaskState.KILLED && ends != TaskState.WORKER_FAILED) {
      throw new IllegalArgumentException("a kill ends an attempt KILLED or WORKER_FAILED, not " + ends);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    reason = reason == null ? "" : reason;
  }

  /** A kill that ends the attempt KILLED. */
  public Kill(Duration grace, String reason) {
    this(grace, reason, TaskState.KILLED);
  }
}
