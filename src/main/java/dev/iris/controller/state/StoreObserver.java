package dev.iris.controller.state;

import dev.iris.core.TaskState;

/**
 * Told of each committed task transition, for metrics. Called on the store's thread; must be cheap and
 * must not call back into the store.
 */
public interface StoreObserver {
  StoreObserver NONE = (from, to, attemptId, sinceSubmitMs) -> { };

  /**
   * @param sinceSubmitMs time from the job's submission to this transition
   */
  void taskChanged(TaskState from, TaskState to, int attemptId, long sinceSubmitMs);

  /** A worker was declared lost (no heartbeat within the timeout). */
  default void workerLost() {}
}
