package dev.iris.core;

import java.util.Map;

/**
 * One try of a task on one worker: created ASSIGNED when a plan is committed, ended exactly once.
 * Mutated only by {@link Job} on the store's thread.
 */
public final class TaskAttempt {
  private final int attemptId;
  private final String workerId;
  private final long assignedAtMs;
  private TaskState state = TaskState.ASSIGNED;
  private long startedAtMs;
  private long finishedAtMs;
  private int exitCode;
  private String error = "";
  private boolean workerFailure;
  private Observation observation = Observation.NONE;

  TaskAttempt(int attemptId, String workerId, long assignedAtMs) {
    this.attemptId = attemptId;
    this.workerId = workerId;
    this.assignedAtMs = assignedAtMs;
  }

  /** Every field of an attempt, as an immutable value: what a snapshot of the controller's state keeps. */
  public record AttemptImage(int attemptId, String workerId, long assignedAtMs, TaskState state, long startedAtMs,
      long finishedAtMs, int exitCode, String error, boolean workerFailure, Observation observation) {}

  /** This attempt as it is now. */
  public AttemptImage image() {
    return new AttemptImage(attemptId, workerId, assignedAtMs, state, startedAtMs, finishedAtMs, exitCode, error,
        workerFailure, observation);
  }

  /** The attempt {@code image} was taken of. */
  static TaskAttempt restore(AttemptImage image) {
    TaskAttempt a = new TaskAttempt(image.attemptId(), image.workerId(), image.assignedAtMs());
    a.state = java.util.Objects.requireNonNull(image.state(), "state");
    a.startedAtMs = image.startedAtMs();
    a.finishedAtMs = image.finishedAtMs();
    a.exitCode = image.exitCode();
    a.error = image.error() == null ? "" : image.error();
    a.workerFailure = image.workerFailure();
    a.observation = image.observation() == null ? Observation.NONE : image.observation();
    return a;
  }

  public int attemptId() {
    return attemptId;
  }

  public String workerId() {
    return workerId;
  }

  public long assignedAtMs() {
    return assignedAtMs;
  }

  public TaskState state() {
    return state;
  }

  public long startedAtMs() {
    return startedAtMs;
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

  /** True when this attempt ended because its worker failed or was lost (a preemption). */
  public boolean isWorkerFailure() {
    return workerFailure;
  }

  public Observation observation() {
    return observation;
  }

  public boolean isActive() {
    return state.isActive();
  }

  void progress(TaskState to, long now) {
    state = to;
    if (to == TaskState.RUNNING && startedAtMs == 0) {
      startedAtMs = now;
    }
  }

  void end(TaskState outcome, int exitCode, String error, long now) {
    this.state = outcome;
    this.exitCode = exitCode;
    this.error = error == null ? "" : error;
    this.workerFailure = outcome == TaskState.WORKER_FAILED;
    this.finishedAtMs = now;
  }

  void observe(Observation o) {
    if (o != null) {
      observation = o.mergedOver(observation);
    }
  }

  /** What the worker last told about this attempt: ports, usage and build timing. */
  public record Observation(Map<String, Integer> ports, Usage usage, long buildStartedMs,
      long buildFinishedMs, boolean buildFromCache) {
    public static final Observation NONE = new Observation(Map.of(), Usage.NONE, 0, 0, false);

    public Observation {
      ports = ports == null ? Map.of() : Map.copyOf(ports);
      usage = usage == null ? Usage.NONE : usage;
    }

    Observation mergedOver(Observation old) {
      return new Observation(
          ports.isEmpty() ? old.ports : ports,
          usage == Usage.NONE ? old.usage : usage,
          buildStartedMs == 0 ? old.buildStartedMs : buildStartedMs,
          buildFinishedMs == 0 ? old.buildFinishedMs : buildFinishedMs,
          buildFromCache || old.buildFromCache);
    }
  }

  /** Resource usage of an attempt's process tree. */
  public record Usage(long memoryMb, long memoryPeakMb, int cpuPercent, long cpuMillicores,
      int processCount, long diskMb) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);
  }
}
