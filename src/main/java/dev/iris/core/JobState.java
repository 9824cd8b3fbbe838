package dev.iris.core;

/** The states of a job, derived from its tasks by {@link JobRollup}. */
public enum JobState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  KILLED,
  WORKER_FAILED,
  UNSCHEDULABLE;

  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }
}
