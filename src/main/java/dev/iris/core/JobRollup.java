package dev.iris.core;

/**
 * Derives a job's state from the counts of its tasks' states. First match wins:
 * <ol>
 *   <li>every task SUCCEEDED: SUCCEEDED;</li>
 *   <li>more terminally FAILED tasks than {@code max_task_failures}: FAILED (the failure domain);</li>
 *   <li>any UNSCHEDULABLE: UNSCHEDULABLE;</li>
 *   <li>any KILLED: KILLED;</li>
 *   <li>every task finished: WORKER_FAILED if any task ended so, else SUCCEEDED (tolerated failures),
 *       so a job never hangs in RUNNING;</li>
 *   <li>any task ASSIGNED, BUILDING or RUNNING: RUNNING;</li>
 *   <li>otherwise unchanged.</li>
 * </ol>
 * A finished job never changes. Worker failures (preemptions) never count toward {@code max_task_failures}.
 */
public final class JobRollup {
  private JobRollup() {}

  /** @param counts task counts indexed by {@link TaskState#ordinal()} */
  public static JobState derive(JobState current, int[] counts, int numTasks, int maxTaskFailures) {
    if (current.isTerminal()) {
      return current;
    }
    int finished = 0;
    for (TaskState s : TaskState.values()) {
      if (s.isTerminal()) {
        finished += counts[s.ordinal()];
      }
    }
    if (counts[TaskState.SUCCEEDED.ordinal()] == numTasks) {
      return JobState.SUCCEEDED;
    }
    if (counts[TaskState.FAILED.ordinal()] > maxTaskFailures) {
      return JobState.FAILED;
    }
    if (counts[TaskState.UNSCHEDULABLE.ordinal()] > 0) {
      return JobState.UNSCHEDULABLE;
    }
    if (counts[TaskState.KILLED.ordinal()] > 0) {
      return JobState.KILLED;
    }
    if (finished == numTasks) {
      return counts[TaskState.WORKER_FAILED.ordinal()] > 0 ? JobState.WORKER_FAILED : JobState.SUCCEEDED;
    }
    if (counts[TaskState.ASSIGNED.ordinal()] + counts[TaskState.BUILDING.ordinal()]
        + counts[TaskState.RUNNING.ordinal()] > 0) {
      return JobState.RUNNING;
    }
    return current;
  }
}
