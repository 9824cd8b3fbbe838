package dev.iris.core;

import dev.iris.core.Effect.AttemptEnded;
import dev.iris.core.Effect.Enqueued;
import dev.iris.core.Effect.JobChanged;
import dev.iris.core.Effect.TaskChanged;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A job and its tasks: the aggregate every task change goes through, so that retry budgets, the
 * coscheduled-sibling cascade, the job rollup and the failure domain are applied together. Each
 * operation returns the {@link Effect}s it implies, or says why it was ignored; nothing here throws on
 * a stale or duplicate message.
 */
public final class Job {
  private final JobSpec spec;
  private final long submittedAtMs;
  private final Task[] tasks;
  private final int[] counts = new int[TaskState.values().length];
  // sums of the tasks' retry counters, kept in step so a job status does not walk every task
  private int failures;
  private int preemptions;
  private final int firstAttemptId;
  private JobState state = JobState.PENDING;
  private long startedAtMs;
  private long finishedAtMs;
  private String error = "";
  private String pendingReason = "";

  private Job(JobSpec spec, int firstAttemptId, long now) {
    this.spec = spec;
    this.firstAttemptId = firstAttemptId;
    this.submittedAtMs = now;
    this.tasks = new Task[spec.replicas()];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = new Task(new TaskId(spec.id(), i), now);
    }
    counts[TaskState.PENDING.ordinal()] = tasks.length;
  }

  private Job(JobSpec spec, int firstAttemptId, long submittedAtMs, Task[] tasks) {
    this.spec = spec;
    this.firstAttemptId = firstAttemptId;
    this.submittedAtMs = submittedAtMs;
    this.tasks = tasks;
  }

  /**
   * Every field of a job that is not derived from the others, as an immutable value: what a snapshot of the
   * controller's state keeps. The per-state counts and the sums of the tasks' retry counters are derived.
   */
  public record JobImage(JobSpec spec, int firstAttemptId, long submittedAtMs, JobState state, long startedAtMs,
      long finishedAtMs, String error, String pendingReason, List<Task.TaskImage> tasks) {}

  /**
   * This job as it is now; the image does not change when the job does. The tasks and attempts of an unfinished
   * job are copied. Those of a finished job are read when the image's task list is (on any thread: whoever hands
   * the image over makes the job's writes visible), for a finished job never changes again: every command on it is
   * ignored. So an image of a state of a million finished tasks costs the store's thread next to nothing.
   */
  public JobImage image() {
    List<Task.TaskImage> images;
    if (isFinished()) {
      images = new FrozenTasks(tasks);
    } else {
      Task.TaskImage[] each = new Task.TaskImage[tasks.length];
      Task.TaskImage previous = null;
      for (int i = 0; i < each.length; i++) {
        // tasks never tried look alike (a queue of a million PENDING tasks): one image for a run of equal ones
        each[i] = previous != null && tasks[i].looksLike(previous) ? previous : (previous = tasks[i].image());
      }
      images = List.of(each);
    }
    return new JobImage(spec, firstAttemptId, submittedAtMs, state, startedAtMs, finishedAtMs, error, pendingReason,
        images);
  }

  /** The images of a finished job's tasks, taken as they are read (the tasks never change again). */
  private static final class FrozenTasks extends java.util.AbstractList<Task.TaskImage>
      implements java.util.RandomAccess {
    private final Task[] tasks;

    FrozenTasks(Task[] tasks) {
      this.tasks = tasks;
    }

    @Override
    public Task.TaskImage get(int index) {
      return tasks[index].image();
    }

    @Override
    public int size() {
      return tasks.length;
    }
  }

  /** The job {@code image} was taken of; throws when the image does not hold one task per replica. */
  public static Job restore(JobImage image) {
    JobSpec spec = image.spec();
    if (image.tasks().size() != spec.replicas()) {
      throw new IllegalArgumentException("job " + spec.id() + " has " + spec.replicas() + " replicas but "
          + image.tasks().size() + " tasks");
    }
    Task[] tasks = new Task[spec.replicas()];
    Job job = new Job(spec, image.firstAttemptId(), image.submittedAtMs(), tasks);
    for (int i = 0; i < tasks.length; i++) {
      Task t = Task.restore(new TaskId(spec.id(), i), image.tasks().get(i));
      tasks[i] = t;
      job.counts[t.state().ordinal()]++;
      job.failures += t.failureCount();
      job.preemptions += t.preemptionCount();
    }
    job.state = java.util.Objects.requireNonNull(image.state(), "state");
    job.startedAtMs = image.startedAtMs();
    job.finishedAtMs = image.finishedAtMs();
    job.error = image.error() == null ? "" : image.error();
    job.pendingReason = image.pendingReason() == null ? "" : image.pendingReason();
    return job;
  }

  /** Expands {@code spec} into {@code replicas} PENDING tasks; every task is queued. */
  public static Job submit(JobSpec spec, long now, List<Effect> effects) {
    return submit(spec, 0, now, effects);
  }

  /**
   * Like {@link #submit(JobSpec, long, List)}, numbering attempts from {@code firstAttemptId}: a job that
   * replaces a finished one of the same id continues its attempt numbers, so a worker that still lists an
   * attempt of the old job can never be mistaken for the new job's attempt.
   */
  public static Job submit(JobSpec spec, int firstAttemptId, long now, List<Effect> effects) {
    if (firstAttemptId < 0) {
      throw new IllegalArgumentException("firstAttemptId must be >= 0, was " + firstAttemptId);
    }
    Job job = new Job(spec, firstAttemptId, now);
    for (Task t : job.tasks) {
      effects.add(new Enqueued(t.id()));
    }
    return job;
  }

  // ------------------------------------------------------------------ reads

  /** The id of every task's first attempt: 0, or past the attempts of a job of the same id this one replaced. */
  public int firstAttemptId() {
    return firstAttemptId;
  }

  /** The first attempt id a job replacing this one must use: one past every attempt id this job used. */
  public int nextFirstAttemptId() {
    int next = firstAttemptId;
    for (Task t : tasks) {
      next = Math.max(next, t.currentAttemptId() + 1);
    }
    return next;
  }

  public JobId id() {
    return spec.id();
  }

  public JobSpec spec() {
    return spec;
  }

  public JobState state() {
    return state;
  }

  public boolean isFinished() {
    return state.isTerminal();
  }

  public long submittedAtMs() {
    return submittedAtMs;
  }

  public long startedAtMs() {
    return startedAtMs;
  }

  public long finishedAtMs() {
    return finishedAtMs;
  }

  public String error() {
    return error;
  }

  public String pendingReason() {
    return pendingReason;
  }

  public void setPendingReason(String reason) {
    pendingReason = reason == null ? "" : reason;
  }

  public int numTasks() {
    return tasks.length;
  }

  public Task task(int index) {
    return tasks[index];
  }

  public List<Task> tasks() {
    return List.of(tasks);
  }

  /** How many tasks are in {@code s}; all counts sum to {@link #numTasks()}. */
  public int count(TaskState s) {
    return counts[s.ordinal()];
  }

  /** FAILED attempts over all tasks (the sum of {@link Task#failureCount()}). */
  public int failureCount() {
    return failures;
  }

  /** WORKER_FAILED attempts over all tasks (the sum of {@link Task#preemptionCount()}). */
  public int preemptionCount() {
    return preemptions;
  }

  // ------------------------------------------------------------------ commands

  /** The scheduler's plan for task {@code index} was committed: a new ASSIGNED attempt on {@code workerId}. */
  public Result assign(int index, String workerId, long now) {
    Task task = tasks[index];
    if (isFinished() || task.state() != TaskState.PENDING) {
      return Result.ignored(task.id() + " is " + task.state() + ", not PENDING");
    }
    List<Effect> effects = new ArrayList<>();
    TaskAttempt attempt = task.newAttempt(firstAttemptId, workerId, now);
    move(task, TaskState.ASSIGNED, attempt.attemptId(), workerId, "assigned to " + workerId, effects);
    rollup(now, effects);
    return Result.of(effects);
  }

  /**
   * A worker's report about attempt {@code attemptId}. Reports for any other attempt, for a finished
   * task, duplicates, and reports that would move a task backwards (PENDING, ASSIGNED, BUILDING after
   * RUNNING) are ignored.
   */
  public Result report(int index, int attemptId, TaskState observed, int exitCode, String error,
      TaskAttempt.Observation observation, long now) {
    Task task = tasks[index];
    TaskAttempt attempt = task.currentAttempt();
    if (attempt == null || attempt.attemptId() != attemptId) {
      return Result.ignored("attempt " + attemptId + " of " + task.id() + " is not the current one");
    }
    if (!attempt.isActive()) {
      return Result.ignored("attempt " + attemptId + " of " + task.id() + " already ended " + attempt.state());
    }
    attempt.observe(observation);
    List<Effect> effects = new ArrayList<>();
    switch (observed) {
      case BUILDING, RUNNING -> {
        if (observed == task.state()) {
          return Result.of(effects);
        }
        if (!TaskTransitions.allowed(task.state(), observed)) {
          return Result.ignored(task.id() + " is " + task.state() + "; a " + observed + " report cannot move it back");
        }
        attempt.progress(observed, now);
        move(task, observed, attemptId, attempt.workerId(), "", effects);
      }
      case SUCCEEDED -> endAttempt(task, End.SUCCEEDED, exitCode, error, now, false, effects);
      case FAILED -> endAttempt(task, End.FAILED, exitCode, error, now, false, effects);
      case WORKER_FAILED -> endAttempt(task, End.WORKER_FAILED, exitCode, error, now, false, effects);
      case KILLED -> endAttempt(task, End.WORKER_FAILED, exitCode,
          error == null || error.isEmpty() ? "killed on worker " + attempt.workerId() : error, now, false, effects);
      case PENDING, ASSIGNED, UNSCHEDULABLE -> {
        return Result.ignored("a worker report of " + observed + " never changes " + task.id());
      }
    }
    rollup(now, effects);
    return Result.of(effects);
  }

  /**
   * RunTask never reached the worker: back to PENDING without using a retry budget; the active siblings
   * of a coscheduled task are stopped and requeued the same way.
   */
  public Result deliveryFailed(int index, int attemptId, String reason, long now) {
    Task task = tasks[index];
    if (task.currentAttemptId() != attemptId || task.state() != TaskState.ASSIGNED) {
      return Result.ignored(task.id() + " attempt " + attemptId + " is no longer awaiting delivery");
    }
    List<Effect> effects = new ArrayList<>();
    endAttempt(task, End.UNDELIVERED, 0, reason, now, false, effects);
    rollup(now, effects);
    return Result.of(effects);
  }

  /** The worker of attempt {@code attemptId} failed or lost it: a preemption. */
  public Result workerFailed(int index, int attemptId, String reason, long now) {
    Task task = tasks[index];
    TaskAttempt attempt = task.currentAttempt();
    if (attempt == null || attempt.attemptId() != attemptId || !attempt.isActive()) {
      return Result.ignored(task.id() + " attempt " + attemptId + " is not active");
    }
    List<Effect> effects = new ArrayList<>();
    endAttempt(task, End.WORKER_FAILED, -1, reason, now, false, effects);
    rollup(now, effects);
    return Result.of(effects);
  }

  /** Task {@code index} waited PENDING longer than the scheduling timeout. */
  public Result expire(int index, long now) {
    Task task = tasks[index];
    if (task.state() != TaskState.PENDING) {
      return Result.ignored(task.id() + " is " + task.state() + ", not PENDING");
    }
    List<Effect> effects = new ArrayList<>();
    String why = "scheduling timeout of " + (spec.schedulingTimeoutMs() / 1000.0) + " s exceeded"
        + (pendingReason.isEmpty() ? "" : ": " + pendingReason);
    task.finish(0, why, now);
    move(task, TaskState.UNSCHEDULABLE, task.currentAttemptId(), null, why, effects);
    rollup(now, effects);
    return Result.of(effects);
  }

  /** Kills every unfinished task (user kill or a parent's kill); the job ends KILLED. */
  public Result kill(String reason, long now) {
    if (isFinished()) {
      return Result.ignored(id() + " already finished " + state);
    }
    List<Effect> effects = new ArrayList<>();
    error = reason == null ? "" : reason;
    killUnfinished(reason, now, effects);
    rollup(now, effects);
    return Result.of(effects);
  }

  // ------------------------------------------------------------------ internals

  private enum End { SUCCEEDED, FAILED, WORKER_FAILED, KILLED, UNDELIVERED }

  private void endAttempt(Task task, End end, int exitCode, String error, long now, boolean stopOnWorker,
      List<Effect> effects) {
    TaskAttempt attempt = task.currentAttempt();
    TaskState attemptState = switch (end) {
      case SUCCEEDED -> TaskState.SUCCEEDED;
      case FAILED -> TaskState.FAILED;
      case WORKER_FAILED, UNDELIVERED -> TaskState.WORKER_FAILED;
      case KILLED -> TaskState.KILLED;
    };
    attempt.end(attemptState, exitCode, error, now);
    effects.add(new AttemptEnded(task.id(), attempt.attemptId(), attempt.workerId(), stopOnWorker));
    TaskState to = switch (end) {
      case SUCCEEDED -> TaskState.SUCCEEDED;
      case KILLED -> TaskState.KILLED;
      case UNDELIVERED -> TaskState.PENDING;
      case FAILED -> {
        task.countFailure();
        failures++;
        yield task.failureCount() <= spec.maxRetriesFailure() ? TaskState.PENDING : TaskState.FAILED;
      }
      case WORKER_FAILED -> {
        task.countPreemption();
        preemptions++;
        yield task.preemptionCount() <= spec.maxRetriesPreemption() ? TaskState.PENDING : TaskState.WORKER_FAILED;
      }
    };
    if (to == TaskState.PENDING) {
      task.requeued(now);
      effects.add(new Enqueued(task.id()));
    } else {
      task.finish(exitCode, error, now);
    }
    move(task, to, attempt.attemptId(), attempt.workerId(), error, effects);
    // Only an end the worker observed (or a delivery failure) cascades; a sibling ended by the cascade
    // (stopOnWorker) cascades no further, so each sibling ends once, named after the member at fault.
    // A gang runs whole or not at all: a member that never reached its worker stops the others too, and
    // like it they go back to PENDING without using a retry budget.
    if (spec.isGang() && !stopOnWorker && (end == End.FAILED || end == End.WORKER_FAILED || end == End.UNDELIVERED)) {
      String why = "coscheduled sibling " + task.id().shortName()
          + (end == End.UNDELIVERED ? " was not delivered" : " failed");
      for (Task sibling : tasks) {
        if (sibling != task && sibling.state().isActive()) {
          endAttempt(sibling, end, -1, why, now, true, effects);
        }
      }
    }
  }

  private void killUnfinished(String reason, long now, List<Effect> effects) {
    for (Task t : tasks) {
      if (t.state().isActive()) {
        endAttempt(t, End.KILLED, -1, reason, now, true, effects);
      } else if (t.state() == TaskState.PENDING) {
        t.finish(0, reason, now);
        move(t, TaskState.KILLED, t.currentAttemptId(), null, reason, effects);
      }
    }
  }

  private void move(Task task, TaskState to, int attemptId, String workerId, String message,
      List<Effect> effects) {
    TaskState from = task.state();
    task.setState(to);
    counts[from.ordinal()]--;
    counts[to.ordinal()]++;
    effects.add(new TaskChanged(task.id(), from, to, attemptId, workerId, message == null ? "" : message));
  }

  private void rollup(long now, List<Effect> effects) {
    JobState from = state;
    JobState to = JobRollup.derive(state, counts, tasks.length, spec.maxTaskFailures());
    if (to == from) {
      return;
    }
    state = to;
    if (to == JobState.RUNNING && startedAtMs == 0) {
      startedAtMs = now;
    }
    if (to.isTerminal()) {
      finishedAtMs = now;
      pendingReason = "";
      if (error.isEmpty()) {
        error = describeEnd(to);
      }
    }
    effects.add(new JobChanged(id(), from, to, error));
    if (to.isTerminal()) {
      killUnfinished(switch (to) {
        case FAILED -> "killed: job failed (" + error + ")";
        case UNSCHEDULABLE -> "killed: job unschedulable";
        default -> "killed: job " + to.name().toLowerCase(Locale.ROOT);
      }, now, effects);
    }
  }

  private String describeEnd(JobState to) {
    TaskState cause = switch (to) {
      case FAILED -> TaskState.FAILED;
      case UNSCHEDULABLE -> TaskState.UNSCHEDULABLE;
      case WORKER_FAILED -> TaskState.WORKER_FAILED;
      case KILLED -> TaskState.KILLED;
      default -> null;
    };
    if (cause == null) {
      return "";
    }
    for (Task t : tasks) {
      if (t.state() == cause) {
        String detail = t.error().isEmpty() ? cause.name() : t.error();
        return to == JobState.FAILED && spec.maxTaskFailures() > 0
            ? t.id().shortName() + ": " + detail + " (more than " + spec.maxTaskFailures() + " tasks failed)"
            : t.id().shortName() + ": " + detail;
      }
    }
    return "";
  }

  /** What an operation did: the effects, or why it was ignored (a value, never an exception). */
  public record Result(List<Effect> effects, String ignored) {
    static Result of(List<Effect> effects) {
      return new Result(effects, null);
    }

    static Result ignored(String why) {
      return new Result(List.of(), why);
    }

    public boolean wasIgnored() {
      return ignored != null;
    }
  }
}
