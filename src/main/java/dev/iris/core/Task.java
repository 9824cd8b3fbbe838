package dev.iris.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A task of a job: its state, its attempts (the current one last) and its retry counters. Mutated only
 * by its {@link Job}, which keeps the job's per-state counts and rollup in step.
 */
public final class Task {
  private final TaskId id;
  private TaskState state = TaskState.PENDING;
  private List<TaskAttempt> attempts; // null until the first assignment: most tasks of a big queue never get one
  private int failureCount;
  private int preemptionCount;
  private long queuedAtMs;
  private long finishedAtMs;
  private int exitCode;
  private String error = "";

  Task(TaskId id, long queuedAtMs) {
    this.id = id;
    this.queuedAtMs = queuedAtMs;
  }

  /**
   * Every field of a task but its id (its job's id and its index), as an immutable value: what a snapshot of the
   * controller's state keeps.
   */
  public record TaskImage(TaskState state, List<TaskAttempt.AttemptImage> attempts, int failureCount,
      int preemptionCount, long queuedAtMs, long finishedAtMs, int exitCode, String error) {}

  /** This task as it is now. */
  public TaskImage image() {
    List<TaskAttempt.AttemptImage> tries;
    if (attempts == null || attempts.isEmpty()) {
      tries = List.of();
    } else {
      TaskAttempt.AttemptImage[] each = new TaskAttempt.AttemptImage[attempts.size()];
      for (int i = 0; i < each.length; i++) {
        each[i] = attempts.get(i).image();
      }
      tries = List.of(each);
    }
    return new TaskImage(state, tries, failureCount, preemptionCount, queuedAtMs, finishedAtMs, exitCode, error);
  }

  /** True when this task, never tried, is as {@code image} says (so that image may stand for it too). */
  boolean looksLike(TaskImage image) {
    return (attempts == null || attempts.isEmpty()) && image.attempts().isEmpty() && state == image.state()
        && failureCount == image.failureCount() && preemptionCount == image.preemptionCount()
        && queuedAtMs == image.queuedAtMs() && finishedAtMs == image.finishedAtMs() && exitCode == image.exitCode()
        && error.equals(image.error());
  }

  /** Task {@code id} as {@code image} was taken of it. */
  static Task restore(TaskId id, TaskImage image) {
    Task t = new Task(id, image.queuedAtMs());
    t.state = java.util.Objects.requireNonNull(image.state(), "state");
    if (!image.attempts().isEmpty()) {
      t.attempts = new ArrayList<>(Math.max(2, image.attempts().size()));
      for (TaskAttempt.AttemptImage a : image.attempts()) {
        t.attempts.add(TaskAttempt.restore(a));
      }
    }
    t.failureCount = image.failureCount();
    t.preemptionCount = image.preemptionCount();
    t.finishedAtMs = image.finishedAtMs();
    t.exitCode = image.exitCode();
    t.error = image.error() == null ? "" : image.error();
    return t;
  }

  public TaskId id() {
    return id;
  }

  public int index() {
    return id.index();
  }

  public TaskState state() {
    return state;
  }

  /** FAILED attempts so far (each consumes one of {@code max_retries_failure}). */
  public int failureCount() {
    return failureCount;
  }

  /** WORKER_FAILED attempts so far (each consumes one of {@code max_retries_preemption}). */
  public int preemptionCount() {
    return preemptionCount;
  }

  /** When the task last became PENDING (submission or retry): the scheduling timeout counts from here. */
  public long queuedAtMs() {
    return queuedAtMs;
  }

  public long finishedAtMs() {
    return finishedAtMs;
  }

  public int exitCode() {
    return exitCode;
  }

  public String error() {
    return error;
  }

  public List<TaskAttempt> attempts() {
    return attempts == null ? List.of() : Collections.unmodifiableList(attempts);
  }

  /** The current attempt, or null before the first assignment. */
  public TaskAttempt currentAttempt() {
    return attempts == null || attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  /** The current attempt's id, or -1 before the first assignment. */
  public int currentAttemptId() {
    TaskAttempt a = currentAttempt();
    return a == null ? -1 : a.attemptId();
  }

  /** The worker of the current attempt while it is active, else null. */
  public String activeWorkerId() {
    TaskAttempt a = currentAttempt();
    return a != null && a.isActive() ? a.workerId() : null;
  }

  /** When the current attempt started RUNNING, or 0. */
  public long startedAtMs() {
    TaskAttempt a = currentAttempt();
    return a == null ? 0 : a.startedAtMs();
  }

  // ---- mutation, package-private: only Job drives these

  void setState(TaskState to) {
    if (!TaskTransitions.allowed(state, to)) {
      throw new IllegalStateException(id + ": " + state + " -> " + to + " is not a transition");
    }
    state = to;
  }

  /** Starts the next attempt; attempt ids count up from {@code firstAttemptId}. */
  TaskAttempt newAttempt(int firstAttemptId, String workerId, long now) {
    if (attempts == null) {
      attempts = new ArrayList<>(2);
    }
    TaskAttempt attempt = new TaskAttempt(firstAttemptId + attempts.size(), workerId, now);
    attempts.add(attempt);
    return attempt;
  }

  void countFailure() {
    failureCount++;
  }

  void countPreemption() {
    preemptionCount++;
  }

  void requeued(long now) {
    queuedAtMs = now;
  }

  void finish(int exitCode, String error, long now) {
    this.exitCode = exitCode;
    this.error = error == null ? "" : error;
    this.finishedAtMs = now;
  }
}
