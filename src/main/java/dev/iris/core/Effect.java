package dev.iris.core;

/**
 * What applying a change to a job asks of the world, as values: events to publish, capacity to release,
 * tasks to queue, processes to stop. The store interprets them in order.
 */
public sealed interface Effect {

  /** A task moved from one state to another. */
  record TaskChanged(TaskId task, TaskState from, TaskState to, int attemptId, String workerId,
      String message) implements Effect {}

  /** The job's derived state changed. */
  record JobChanged(JobId job, JobState from, JobState to, String error) implements Effect {}

  /**
   * An attempt ended: release what it reserved on {@code workerId} and drop the endpoints it owned; when
   * {@code stopOnWorker}, the decision was the controller's (kill, failure domain, sibling cascade) and
   * the worker must be told to stop the attempt's processes.
   */
  record AttemptEnded(TaskId task, int attemptId, String workerId, boolean stopOnWorker)
      implements Effect {}

  /** The task is PENDING again and goes to the back of the queue. */
  record Enqueued(TaskId task) implements Effect {}
}
