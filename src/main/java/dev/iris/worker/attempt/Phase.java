package dev.iris.worker.attempt;

import dev.iris.core.TaskState;

/** Where an attempt is in its lifecycle; finer than the {@link TaskState} it reports. */
public enum Phase {
  /** Accepted; waits until the task's previous attempt on this worker is gone. Reports ASSIGNED. */
  ACCEPTED,
  /** Making its directory, allocating its ports, building its environment. Reports BUILDING. */
  PREPARING,
  /** Fetching and unpacking its bundle. Reports BUILDING. */
  INSTALLING,
  /** Starting or running the setup command. Reports BUILDING. */
  SETTING_UP,
  /** Starting the task's command. Reports BUILDING. */
  STARTING,
  /** The task's command runs. Reports RUNNING. */
  RUNNING,
  /** Ended with an {@link Outcome}; nothing of it runs any more. Reports the outcome's state. */
  FINISHED
}
