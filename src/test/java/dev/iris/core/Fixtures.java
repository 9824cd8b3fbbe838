package dev.iris.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Specs, jobs and effect filters shared by the core's tests. */
final class Fixtures {
  static final JobId JOB = JobId.of("train");
  static final List<String> ARGV = List.of("python", "train.py");
  static final Resources ONE_CPU = Resources.of(1, 1L << 30);

  private Fixtures() {}

  static JobSpec spec(int replicas) {
    return JobSpec.simple(JOB, ARGV, ONE_CPU, replicas);
  }

  static JobSpec spec(int replicas, int maxTaskFailures, int maxRetriesFailure, int maxRetriesPreemption) {
    return spec(replicas).withPolicy(maxTaskFailures, maxRetriesFailure, maxRetriesPreemption);
  }

  /** A coscheduled (gang) spec: all tasks on workers sharing the attribute {@code slice}. */
  static JobSpec gang(int replicas, int maxTaskFailures, int maxRetriesFailure, int maxRetriesPreemption) {
    return new JobSpec(JOB, ARGV, ONE_CPU, replicas, Map.of(), List.of(), List.of(), "slice",
        maxTaskFailures, maxRetriesFailure, maxRetriesPreemption, 0, 0, List.of(), "", "alice");
  }

  static JobSpec withSchedulingTimeout(JobSpec s, long timeoutMs) {
    return new JobSpec(s.id(), s.argv(), s.resources(), s.replicas(), s.env(), s.ports(), s.constraints(),
        s.coscheduleBy(), s.maxTaskFailures(), s.maxRetriesFailure(), s.maxRetriesPreemption(), timeoutMs,
        s.taskTimeoutSeconds(), s.setupCommand(), s.bundleHash(), s.user());
  }

  static Job submit(JobSpec spec) {
    return Job.submit(spec, 0, new ArrayList<>());
  }

  static TaskId task(int index) {
    return new TaskId(JOB, index);
  }

  static <T extends Effect> List<T> effects(Job.Result result, Class<T> type) {
    return result.effects().stream().filter(type::isInstance).map(type::cast).toList();
  }

  static Effect.TaskChanged changed(int index, TaskState from, TaskState to, int attemptId, String worker,
      String message) {
    return new Effect.TaskChanged(task(index), from, to, attemptId, worker, message);
  }

  static Effect.AttemptEnded ended(int index, int attemptId, String worker, boolean stopOnWorker) {
    return new Effect.AttemptEnded(task(index), attemptId, worker, stopOnWorker);
  }

  static Effect.JobChanged jobChanged(JobState from, JobState to, String error) {
    return new Effect.JobChanged(JOB, from, to, error);
  }

  static Effect.Enqueued enqueued(int index) {
    return new Effect.Enqueued(task(index));
  }

  /**
   * Drives one job with fixed instants: every operation happens 1000 ms after the previous one
   * (the first at t=1000), and reports address the task's current attempt unless told otherwise.
   */
  static final class Driver {
    final Job job;
    long now;

    Driver(JobSpec spec) {
      this.job = submit(spec);
    }

    long tick() {
      now += 1000;
      return now;
    }

    Task task(int index) {
      return job.task(index);
    }

    int attempt(int index) {
      return job.task(index).currentAttemptId();
    }

    Job.Result assign(int index, String worker) {
      return job.assign(index, worker, tick());
    }

    Job.Result report(int index, TaskState state) {
      return report(index, attempt(index), state, state == TaskState.FAILED ? 1 : 0, "");
    }

    Job.Result fail(int index, String error) {
      return report(index, attempt(index), TaskState.FAILED, 1, error);
    }

    Job.Result report(int index, int attemptId, TaskState state, int exitCode, String error) {
      return job.report(index, attemptId, state, exitCode, error, null, tick());
    }

    Job.Result deliveryFailed(int index) {
      return job.deliveryFailed(index, attempt(index), "connection refused", tick());
    }

    Job.Result workerFailed(int index) {
      return job.workerFailed(index, attempt(index), "worker lost", tick());
    }

    Job.Result expire(int index) {
      return job.expire(index, tick());
    }

    Job.Result kill(String reason) {
      return job.kill(reason, tick());
    }

    /** Assigns task {@code index} to worker {@code worker} and reports it RUNNING. */
    Driver running(int index, String worker) {
      assign(index, worker);
      report(index, TaskState.RUNNING);
      return this;
    }

    Driver runningAll() {
      for (int i = 0; i < job.numTasks(); i++) {
        running(i, "w" + i);
      }
      return this;
    }
  }
}
