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
 * @param startSlots how many more tasks may start on the worker now: its start capacity minus the attempts
 *     still starting there (ASSIGNED or BUILDING). Each task placed takes one, whatever it asks for, so a
 *     burst of small tasks cannot pile onto one worker faster than it starts them
 */
public record WorkerView(String workerId, Resources free, Map<String, String> attributes, boolean schedulable,
    int startSlots) {
  /** Start slots of a worker whose starts are not limited. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  public WorkerView {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(free, "free");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    if (startSlots < 0) {
      throw new IllegalArgumentException("startSlots must not be negative, was " + startSlots);
    }
  }

  /** A worker whose starts are not limited. */
  public WorkerView(String workerId, Resources free, Map<String, String> attributes, boolean schedulable) {
    this(workerId, free, attributes, schedulable, UNLIMITED);
  }

  /** A schedulable worker. */
  public static WorkerView of(String workerId, Resources free, Map<String, String> attributes) {
    return new WorkerView(workerId, free, attributes, true);
  }
}
