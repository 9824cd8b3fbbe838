package dev.iris.core;

import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.KILLED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.UNSCHEDULABLE;
import static dev.iris.core.TaskState.WORKER_FAILED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The task lifecycle as data: which state may follow which.
 *
 * <pre>
 * PENDING -> ASSIGNED -> BUILDING -> RUNNING -> SUCCEEDED | FAILED | KILLED | WORKER_FAILED
 *    ^          |           |           |   (an attempt that ends with retry budget left: back to PENDING)
 *    +----------+-----------+-----------+
 * PENDING -> UNSCHEDULABLE (scheduling timeout);  any non-terminal -> KILLED
 * </pre>
 *
 * A worker may skip BUILDING, and a fast task may end before its RUNNING report arrives, so ASSIGNED and
 * BUILDING may go straight to any end. Terminal states have no successor.
 */
public final class TaskTransitions {
  private static final Map<TaskState, Set<TaskState>> ALLOWED = new EnumMap<>(TaskState.class);

  static {
    ALLOWED.put(PENDING, EnumSet.of(ASSIGNED, KILLED, UNSCHEDULABLE));
    ALLOWED.put(ASSIGNED, EnumSet.of(PENDING, BUILDING, RUNNING, SUCCEEDED, FAILED, KILLED, WORKER_FAILED));
    ALLOWED.put(BUILDING, EnumSet.of(PENDING, RUNNING, SUCCEEDED, FAILED, KILLED, WORKER_FAILED));
    ALLOWED.put(RUNNING, EnumSet.of(PENDING, SUCCEEDED, FAILED, KILLED, WORKER_FAILED));
    for (TaskState s : TaskState.values()) {
      if (s.isTerminal()) {
        ALLOWED.put(s, EnumSet.noneOf(TaskState.class));
      }
    }
  }

  private TaskTransitions() {}

  public static boolean allowed(TaskState from, TaskState to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The states that may follow {@code from} (a copy). */
  public static Set<TaskState> successors(TaskState from) {
    Set<TaskState> s = ALLOWED.get(from);
    return s.isEmpty() ? EnumSet.noneOf(TaskState.class) : EnumSet.copyOf(s);
  }
}
