package dev.iris.scheduler;

import dev.iris.core.TaskId;
import java.util.Objects;

/** One planned placement: run {@code task} on the worker {@code workerId}. */
public record Assignment(TaskId task, String workerId) {
  public Assignment {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(workerId, "workerId");
  }
}
