package dev.iris.scheduler;

import dev.iris.core.TaskId;

/** Place {@code task} on {@code workerId}. */
public record Assignment(TaskId task, String workerId) {}
