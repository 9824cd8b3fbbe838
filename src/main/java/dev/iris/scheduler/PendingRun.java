package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A run of pending tasks of one job with identical requirements, in queue order (FIFO by submission;
 * retries are re-queued at the back as new runs). For a gang job the store passes one run holding all
 * its pending tasks, and only when no task of the job is active.
 *
 * <p>The task indices are copied on construction and on access, so a run is a value.
 *
 * @param job the job the tasks belong to
 * @param perTask what each task reserves on its worker
 * @param constraints attribute predicates a worker must satisfy, all AND-ed
 * @param coscheduleBy a worker attribute: all tasks go onto distinct workers sharing its value, or none
 *     does; empty for no gang
 * @param taskIndices the tasks' indices, strictly ascending, each below {@link JobSpec#MAX_REPLICAS}
 */
public record PendingRun(
    JobId job, Resources perTask, List<Constraint> constraints, String coscheduleBy, int[] taskIndices) {

  public PendingRun {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(perTask, "perTask");
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    coscheduleBy = coscheduleBy == null ? "" : coscheduleBy;
    taskIndices = taskIndices.clone();
    for (int i = 0; i < taskIndices.length; i++) {
      if (taskIndices[i] < 0 || taskIndices[i] >= JobSpec.MAX_REPLICAS
          || (i > 0 && taskIndices[i] <= taskIndices[i - 1])) {
        throw new IllegalArgumentException("task indices of a run must be strictly ascending in 0.."
            + (JobSpec.MAX_REPLICAS - 1) + ": " + Arrays.toString(taskIndices));
      }
    }
  }

  /** A run of tasks {@code from} (inclusive) to {@code to} (exclusive) without a gang. */
  public static PendingRun range(JobId job, Resources perTask, List<Constraint> constraints, int from, int to) {
    int[] indices = new int[Math.max(0, to - from)];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = from + i;
    }
    return new PendingRun(job, perTask, constraints, "", indices);
  }

  /** True when the run's tasks must be placed together (coscheduled). */
  public boolean isGang() {
    return !coscheduleBy.isEmpty();
  }

  /** How many tasks the run holds. */
  public int taskCount() {
    return taskIndices.length;
  }

  /** The index of the {@code k}-th task of the run (0-based), without copying the array. */
  public int taskIndex(int k) {
    return taskIndices[k];
  }

  @Override
  public int[] taskIndices() {
    return taskIndices.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingRun r
        && job.equals(r.job)
        && perTask.equals(r.perTask)
        && constraints.equals(r.constraints)
        && coscheduleBy.equals(r.coscheduleBy)
        && Arrays.equals(taskIndices, r.taskIndices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(job, perTask, constraints, coscheduleBy) * 31 + Arrays.hashCode(taskIndices);
  }

  @Override
  public String toString() {
    return "PendingRun[job=" + job + ", perTask=" + perTask + ", constraints=" + constraints
        + ", coscheduleBy=" + coscheduleBy + ", taskIndices=" + Arrays.toString(taskIndices) + "]";
  }
}
