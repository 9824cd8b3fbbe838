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

  /**
   * Worker {@code workerId} was declared lost at {@code nowMs} ({@code why}: known dead, or its lease surely ran
   * out), leaving {@code aliveAfter} workers alive.
   */
  default void workerLost(String workerId, String why, long nowMs, int aliveAfter) {}

  /**
   * Worker {@code workerId} has been silent beyond the worker timeout: given no new tasks; its attempts fail over
   * {@code failsOverInMs} later unless it is heard from first.
   */
  default void workerUnreachable(String workerId, long silentMs, long failsOverInMs) {}
}
