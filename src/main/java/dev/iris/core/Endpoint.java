package dev.iris.core;

import java.util.Map;

/**
 * A named address a task published (a server, a coordinator). Owned by the task attempt that registered
 * it ({@code task} null for one registered on behalf of the job from outside any task).
 */
public record Endpoint(String id, String name, String address, JobId job, TaskId task, int attemptId,
    Map<String, String> metadata) {
  public Endpoint {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
