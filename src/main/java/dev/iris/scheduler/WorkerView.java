package dev.iris.scheduler;

import dev.iris.core.Resources;
import java.util.Map;
import java.util.Objects;

/**
 * A worker as the scheduler sees it in one snapshot.
 *
 * @param workerId the worker's id, unique within a snapshot
 * @param free capacity minus what the worker's ASSIGNED, BUILDING and RUNNING tasks hold; its GPU variant is
 *     the worker's
 * @param attributes the worker's attributes, matched by constraints and used to form coscheduling groups
 * @param schedulable false for a worker that must not get new tasks (unhealthy, suspect, draining)
 */
public record WorkerView(String workerId, Resources free, Map<String, String> attributes, boolean schedulable) {
  public WorkerView {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(free, "free");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** A schedulable worker. */
  public static WorkerView of(String workerId, Resources free, Map<String, String> attributes) {
    return new WorkerView(workerId, free, attributes, true);
  }
}
