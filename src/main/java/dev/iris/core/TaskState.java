package dev.iris.core;

/** The states of a task; see {@link TaskTransitions} for which moves are allowed. */
public enum TaskState {
  PENDING,
  ASSIGNED,
  BUILDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  KILLED,
  WORKER_FAILED,
  UNSCHEDULABLE;

  /** A finished task never changes again. */
  public boolean isTerminal() {
    return switch (this) {
      case SUCCEEDED, FAILED, KILLED, WORKER_FAILED, UNSCHEDULABLE -> true;
      default -> false;
    };
  }

  /** Holds resources on a worker: the plan was committed and the attempt has not ended. */
  public boolean isActive() {
    return this == ASSIGNED || this == BUILDING || this == RUNNING;
  }
}
