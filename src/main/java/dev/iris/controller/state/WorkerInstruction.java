package dev.iris.controller.state;

import dev.iris.core.JobSpec;
import dev.iris.core.TaskId;

/** An instruction for a worker that a committed change implies; the dispatcher delivers it. */
public sealed interface WorkerInstruction {
  String workerId();

  String address();

  TaskId task();

  int attemptId();

  /** Start attempt {@code attemptId} of {@code task} (committed ASSIGNED before this is sent). */
  record RunTask(String workerId, String address, TaskId task, int attemptId, JobSpec spec, int numTasks)
      implements WorkerInstruction {}

  /**
   * Stop attempt {@code attemptId} of {@code task}: SIGTERM, then SIGKILL after {@code graceMs}. A worker
   * that does not run the attempt (yet) fences it: it will refuse its RunTask. When {@code fence} is set,
   * the store waits for the outcome ({@link ClusterState#fenced}) before it retries the attempt's task.
   */
  record KillTask(String workerId, String address, TaskId task, int attemptId, int graceMs, boolean fence)
      implements WorkerInstruction {
    public KillTask(String workerId, String address, TaskId task, int attemptId, int graceMs) {
      this(workerId, address, task, attemptId, graceMs, false);
    }
  }
}
