package dev.iris.client;

import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;

/** Short names of states for people: RUNNING rather than JOB_STATE_RUNNING. */
public final class JobStates {
  private JobStates() {}

  public static String name(JobState s) {
    return s.name().replace("JOB_STATE_", "");
  }

  public static String name(TaskState s) {
    return s.name().replace("TASK_STATE_", "");
  }

  public static boolean isFinished(JobState s) {
    return switch (s) {
      case JOB_STATE_SUCCEEDED, JOB_STATE_FAILED, JOB_STATE_KILLED, JOB_STATE_WORKER_FAILED,
          JOB_STATE_UNSCHEDULABLE -> true;
      default -> false;
    };
  }

  public static boolean isFinished(TaskState s) {
    return switch (s) {
      case TASK_STATE_SUCCEEDED, TASK_STATE_FAILED, TASK_STATE_KILLED, TASK_STATE_WORKER_FAILED,
          TASK_STATE_UNSCHEDULABLE -> true;
      default -> false;
    };
  }
}
