package dev.iris.controller.state;

import dev.iris.core.TaskState;

/**
 * Told of each committed task transition, for metrics. Called on the store's thread; must be cheap and
 * must not call back into the store.
 */
public interface StoreObserver {
  StoreObserver NONE = (from, to, firstAttempt, sinceSubmitMs) -> { };

  /**
   * @param firstAttempt whether the transition belongs to the task's first attempt
   * @param sinceSubmitMs time from the job's submission to this transition
   */
  void taskChanged(TaskState from, TaskState to, boolean firstAttempt, long sinceSubmitMs);

  /** A worker was declared lost (no heartbeat within the timeout, or unreachable). */
  default void workerLost() {}

  /** {@code lost} of {@code alive} workers were lost in one check: suspect (a stall or a fault of the controller's own?). */
  default void workersLostInBurst(int lost, int alive) {}
}
