package dev.iris.controller.state;

import dev.iris.core.JobState;
import dev.iris.core.TaskState;

/**
 * One committed change, numbered in commit order. Published after the change is applied; feeds the
 * watch stream, the dashboard and the action log.
 */
public record StoreEvent(long sequence, long timestampMs, Kind kind, String jobId, String taskId,
    String workerId, JobState jobState, TaskState taskState, int attemptId, String message,
    String endpointName) {

  /** What changed. */
  public enum Kind {
    JOB_SUBMITTED, JOB_STATE_CHANGED, TASK_STATE_CHANGED, WORKER_REGISTERED, WORKER_LOST,
    ENDPOINT_ADDED, ENDPOINT_REMOVED
  }
}
