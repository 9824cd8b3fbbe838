package dev.iris.common;

import dev.iris.core.JobState;
import dev.iris.core.TaskState;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The task and job states of the contract ({@code TASK_STATE_*}, {@code JOB_STATE_*}) and of the domain
 * ({@link TaskState}, {@link JobState}): the one mapping between them, which of them are finished, and
 * their short names for people ({@code RUNNING}). Each mapping is a switch over every value, so a state
 * added to either side does not compile until it is mapped here.
 *
 * <p>Not every contract value has a domain state: {@code *_UNSPECIFIED}, {@code UNRECOGNIZED} (a number
 * this build does not know) and {@code JOB_STATE_BUILDING} (a job is never BUILDING here) map to empty.
 */
public final class ProtoStates {
  private static final String TASK_PREFIX = "TASK_STATE_";
  private static final String JOB_PREFIX = "JOB_STATE_";
  /** The job states one can ask for by name: every value but UNSPECIFIED and UNRECOGNIZED. */
  private static final List<dev.iris.rpc.JobState> NAMED_JOB_STATES = Arrays.stream(dev.iris.rpc.JobState.values())
      .filter(s -> s != dev.iris.rpc.JobState.JOB_STATE_UNSPECIFIED && s != dev.iris.rpc.JobState.UNRECOGNIZED)
      .toList();

  private ProtoStates() {}

  public static dev.iris.rpc.TaskState toProto(TaskState s) {
    return switch (s) {
      case PENDING -> dev.iris.rpc.TaskState.TASK_STATE_PENDING;
      case ASSIGNED -> dev.iris.rpc.TaskState.TASK_STATE_ASSIGNED;
      case BUILDING -> dev.iris.rpc.TaskState.TASK_STATE_BUILDING;
      case RUNNING -> dev.iris.rpc.TaskState.TASK_STATE_RUNNING;
      case SUCCEEDED -> dev.iris.rpc.TaskState.TASK_STATE_SUCCEEDED;
      case FAILED -> dev.iris.rpc.TaskState.TASK_STATE_FAILED;
      case KILLED -> dev.iris.rpc.TaskState.TASK_STATE_KILLED;
      case WORKER_FAILED -> dev.iris.rpc.TaskState.TASK_STATE_WORKER_FAILED;
      case UNSCHEDULABLE -> dev.iris.rpc.TaskState.TASK_STATE_UNSCHEDULABLE;
    };
  }

  /** The domain state of {@code s}; empty for UNSPECIFIED and UNRECOGNIZED. */
  public static Optional<TaskState> toDomain(dev.iris.rpc.TaskState s) {
    return Optional.ofNullable(switch (s) {
      case TASK_STATE_PENDING -> TaskState.PENDING;
      case TASK_STATE_ASSIGNED -> TaskState.ASSIGNED;
      case TASK_STATE_BUILDING -> TaskState.BUILDING;
      case TASK_STATE_RUNNING -> TaskState.RUNNING;
      case TASK_STATE_SUCCEEDED -> TaskState.SUCCEEDED;
      case TASK_STATE_FAILED -> TaskState.FAILED;
      case TASK_STATE_KILLED -> TaskState.KILLED;
      case TASK_STATE_WORKER_FAILED -> TaskState.WORKER_FAILED;
      case TASK_STATE_UNSCHEDULABLE -> TaskState.UNSCHEDULABLE;
      case TASK_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
    });
  }

  public static dev.iris.rpc.JobState toProto(JobState s) {
    return switch (s) {
      case PENDING -> dev.iris.rpc.JobState.JOB_STATE_PENDING;
      case RUNNING -> dev.iris.rpc.JobState.JOB_STATE_RUNNING;
      case SUCCEEDED -> dev.iris.rpc.JobState.JOB_STATE_SUCCEEDED;
      case FAILED -> dev.iris.rpc.JobState.JOB_STATE_FAILED;
      case KILLED -> dev.iris.rpc.JobState.JOB_STATE_KILLED;
      case WORKER_FAILED -> dev.iris.rpc.JobState.JOB_STATE_WORKER_FAILED;
      case UNSCHEDULABLE -> dev.iris.rpc.JobState.JOB_STATE_UNSCHEDULABLE;
    };
  }

  /** The domain state of {@code s}; empty for UNSPECIFIED, UNRECOGNIZED and BUILDING. */
  public static Optional<JobState> toDomain(dev.iris.rpc.JobState s) {
    return Optional.ofNullable(switch (s) {
      case JOB_STATE_PENDING -> JobState.PENDING;
      case JOB_STATE_RUNNING -> JobState.RUNNING;
      case JOB_STATE_SUCCEEDED -> JobState.SUCCEEDED;
      case JOB_STATE_FAILED -> JobState.FAILED;
      case JOB_STATE_KILLED -> JobState.KILLED;
      case JOB_STATE_WORKER_FAILED -> JobState.WORKER_FAILED;
      case JOB_STATE_UNSCHEDULABLE -> JobState.UNSCHEDULABLE;
      case JOB_STATE_UNSPECIFIED, JOB_STATE_BUILDING, UNRECOGNIZED -> null;
    });
  }

  /** True when a task in {@code s} never changes again (the domain's {@link TaskState#isTerminal}). */
  public static boolean isFinished(dev.iris.rpc.TaskState s) {
    return toDomain(s).map(TaskState::isTerminal).orElse(false);
  }

  /** True when a job in {@code s} never changes again (the domain's {@link JobState#isTerminal}). */
  public static boolean isFinished(dev.iris.rpc.JobState s) {
    return toDomain(s).map(JobState::isTerminal).orElse(false);
  }

  /** The name people read: {@code RUNNING} for {@code TASK_STATE_RUNNING}. */
  public static String shortName(dev.iris.rpc.TaskState s) {
    return withoutPrefix(s.name(), TASK_PREFIX);
  }

  /** The name people read: {@code WORKER_FAILED} for {@code JOB_STATE_WORKER_FAILED}. */
  public static String shortName(dev.iris.rpc.JobState s) {
    return withoutPrefix(s.name(), JOB_PREFIX);
  }

  /** The job states one can name (all but UNSPECIFIED and UNRECOGNIZED), in contract order. */
  public static List<dev.iris.rpc.JobState> namedJobStates() {
    return NAMED_JOB_STATES;
  }

  /**
   * The job state named by {@code text} as people type it: the short or the full name, any case, with
   * {@code -} for {@code _} ({@code running}, {@code JOB_STATE_RUNNING}, {@code worker-failed}); surrounding
   * whitespace is ignored. Empty when it names none of {@link #namedJobStates}.
   */
  public static Optional<dev.iris.rpc.JobState> jobStateNamed(String text) {
    String name = withoutPrefix(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'), JOB_PREFIX);
    return NAMED_JOB_STATES.stream().filter(s -> shortName(s).equals(name)).findFirst();
  }

  private static String withoutPrefix(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }
}
